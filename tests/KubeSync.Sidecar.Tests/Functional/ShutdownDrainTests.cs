using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>SIGTERM drains: what was written just before the signal still reaches the peer, and the exit code is 0.</summary>
public sealed class ShutdownDrainTests(ITestOutputHelper output)
{
    private const int Files = 300;

    [Fact]
    public async Task Sigterm_RightAfterManyWrites_PeerReceivesThemAndExitCodeIsZero()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output, Rescan = "10m" });
        group.Write("a", "first.txt", "first\n");
        await group.WaitConvergedAsync("first.txt");

        for (var i = 0; i < Files; i++)
        {
            group.Write("a", $"burst/{i:D4}.txt", $"file {i}\n");
        }

        await group.SignalAsync("a", "TERM");
        var exit = await group.WaitExitAsync("a", TimeSpan.FromSeconds(60));

        Assert.True(exit == 0, $"a exited with {exit}\n{group.DescribeLogs()}");
        var missing = Enumerable.Range(0, Files).Where(i => !File.Exists(group.PathOf("b", $"burst/{i:D4}.txt"))).ToList();
        Assert.True(missing.Count == 0, $"b lacks {missing.Count} of {Files} files when a has exited\n{group.DescribeLogs()}");
        Assert.Equal("file 299\n", File.ReadAllText(group.PathOf("b", "burst/0299.txt")));
        Assert.Contains("stopping: no new local changes", group.Log("a"), StringComparison.Ordinal);
    }
}
