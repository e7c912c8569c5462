using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Actions;

public class ActionArgumentsTests
{
    [Fact]
    public void Expand_PlaceholderAloneAndInside_BecomesPathsOrTheirList()
    {
        var paths = new[] { SyncPath.Parse("a b.conf"), SyncPath.Parse("c.conf") };
        Assert.Equal(["touch", "a b.conf", "c.conf", "--", "changed: a b.conf c.conf"], ActionArguments.Expand(["touch", "%%", "--", "changed: %%"], paths));
        Assert.Equal(["nginx", "-s", "reload"], ActionArguments.Expand(["nginx", "-s", "reload"], paths));
        Assert.Equal(["echo"], ActionArguments.Expand(["echo", "%%"], []));
    }
}
