using KubeSync.Engine.Paths;
using KubeSync.Engine.Watching;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Watching;

public sealed class ChangeBatchTests
{
    private static readonly TimeSpan Debounce = TimeSpan.FromMilliseconds(20);

    private readonly ManualTimeProvider _clock = new(DateTimeOffset.UnixEpoch);

    private static SyncPath P(string path) => SyncPath.Parse(path);

    [Fact]
    public void Take_DuplicatesNestedTreesAndPathsInsideTrees_Dropped()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("b.conf"));
        batch.Add(P("b.conf"));
        batch.Add(P("new/inside.conf"));
        batch.AddTree(P("new"));
        batch.AddTree(P("new/deeper"));
        batch.Add(P("a.conf"));

        var requests = batch.Take();

        Assert.Equal(2, requests.Count);
        Assert.True(requests[0].Recursive);
        Assert.Equal(["new"], requests[0].Paths!.Select(p => p.Value));
        Assert.False(requests[1].Recursive);
        Assert.Equal(["a.conf", "b.conf"], requests[1].Paths!.Select(p => p.Value));
        Assert.True(batch.IsEmpty);
    }

    [Fact]
    public void DropWhere_OwnPathsAndTrees_LeaveTheRest()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("own.conf"));
        batch.Add(P("app.conf"));
        batch.AddTree(P("own-dir"));
        batch.AddTree(P("app-dir"));

        batch.DropWhere(p => p.Value.StartsWith("own", StringComparison.Ordinal));
        var requests = batch.Take();

        Assert.Equal(["app-dir"], requests[0].Paths!.Select(p => p.Value));
        Assert.Equal(["app.conf"], requests[1].Paths!.Select(p => p.Value));
    }

    [Fact]
    public void IsDue_QuietForTheDebounce_True()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        batch.Add(P("a"));
        Assert.False(batch.IsDue());

        _clock.Advance(TimeSpan.FromMilliseconds(19));
        Assert.False(batch.IsDue());
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_BurstThatKeepsGoing_FlushedAfterFiveDebounces()
    {
        var batch = new ChangeBatch(_clock, Debounce);
        for (var i = 0; i < 10; i++)
        {
            batch.Add(P($"f{i}"));
            Assert.False(batch.IsDue());
            _clock.Advance(TimeSpan.FromMilliseconds(11));
        }

        batch.Add(P("last"));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void IsDue_ManyDistinctPaths_FlushedEarly()
    {
        var batch = new ChangeBatch(_clock, Debounce) { MaxPaths = 10 };
        for (var i = 0; i < 9; i++)
        {
            batch.Add(P($"f{i}"));
        }

        Assert.False(batch.IsDue());
        batch.Add(P("f9"));
        Assert.True(batch.IsDue());
    }

    [Fact]
    public void Add_PastTheCollapseLimit_BecomesOneFullScan()
    {
        var batch = new ChangeBatch(_clock, Debounce) { CollapseToFull = 5 };
        for (var i = 0; i < 6; i++)
        {
            batch.Add(P($"f{i}"));
        }

        var request = Assert.Single(batch.Take());
        Assert.Null(request.Paths);
    }
}
