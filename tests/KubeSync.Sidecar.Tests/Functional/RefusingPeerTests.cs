using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A member whose sync root is gone refuses every file. Its peer logs the first refusals one by one, then says once
/// that the member refuses everything and slows down, instead of offering the whole tree every retry delay; the
/// refusing member logs its first failures and sums up the rest.
/// </summary>
public sealed class RefusingPeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PeerRefusesEveryOffer_OfferingSlowsDown_AndBothLogsStayShort()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("b", "seed.txt", "seed\n");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("seed.txt");

        Directory.Move(group.Root("a"), group.Root("a") + ".gone");
        const int files = 250;
        for (var i = 0; i < files; i++)
        {
            group.Write("b", $"batch/f{i:000}.txt", $"file {i}\n");
        }

        await group.ScanNowAsync("b");
        await Eventually.TrueAsync(
            () => group.Log("b").Contains("refused the last 200 offers in a row", StringComparison.Ordinal),
            "b to notice that a refuses everything",
            TimeSpan.FromSeconds(30));

        var refusedOneByOne = group.Log("b").Split('\n').Count(l => l.Contains(" refused batch/", StringComparison.Ordinal));
        Assert.InRange(refusedOneByOne, 1, 99); // one by one only until 100 come in a row
        Assert.Contains("offering them again every 20 s", group.Log("b"), StringComparison.Ordinal);
        var failedOneByOne = group.Log("a").Split('\n').Count(l => l.Contains("could not apply batch/", StringComparison.Ordinal));
        Assert.InRange(failedOneByOne, 1, 10);
    }
}
