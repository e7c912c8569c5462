using System.Text.Json;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// <c>kubesync compare</c> and <c>kubesync diff</c> against a real peer: they read its index and files as an observer,
/// so they run beside this member's own daemon without displacing its session, and report L, R and X exactly.
/// </summary>
public sealed class CompareDiffTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Compare_BesideRunningDaemons_IdenticalExits2AndTheDaemonsKeepSyncing()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("a", "same.txt", "same on both\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("same.txt");
        await FunctionalAssert.NothingOwedAsync(group, "a");
        await FunctionalAssert.NothingOwedAsync(group, "b");

        // b's config names a (a learns b from its connection): compare carries b's own node id to a, and must not take
        // the place of b's session there.
        var compare = await group.CliAsync("b", "compare");
        Assert.True(compare.ExitCode == 2, $"identical members: compare should exit 2\n{compare}\n{group.DescribeLogs()}");
        Assert.Equal("", compare.Stdout);
        var json = await group.CliAsync("b", "compare", "a", "--json");
        Assert.Equal(2, json.ExitCode);
        Assert.Empty(JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray());

        Assert.DoesNotContain("replaced by another connection", group.Log("a"), StringComparison.Ordinal);
        Assert.DoesNotContain("peer b disconnected", group.Log("a"), StringComparison.Ordinal);
        group.Write("b", "after-compare.txt", "still syncing\n");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("after-compare.txt");
    }

    [Fact]
    public async Task CompareAndDiff_MemberChangedWhileItsDaemonWasDown_ListsLocalRemoteAndConflictPathsAndDiffsThem()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        foreach (var name in new[] { "same.txt", "common.txt", "newer-a.txt", "newer-b.txt" })
        {
            group.Write("b", name, $"{name} as it was\n");
        }

        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("same.txt", "common.txt", "newer-a.txt", "newer-b.txt");
        await FunctionalAssert.NothingOwedAsync(group, "a");

        // b's daemon stops (b dials a; a does not know b's address): b's changes are recorded by `kubesync check`, a's by
        // its running daemon, and nothing syncs.
        await group.KillAsync("b");
        group.Write("b", "common.txt", "common from b\n");
        group.Write("b", "newer-b.txt", "line 1\nchanged on b\n");
        group.Write("b", "only-b.txt", "only on b\n");
        await File.WriteAllBytesAsync(group.PathOf("b", "data.bin"), [1, 0, 2, 0, 3]);
        Assert.Equal(0, (await group.CliAsync("b", "check")).ExitCode);
        group.Write("a", "common.txt", "common from a\n");
        group.Write("a", "newer-a.txt", "changed on a\n");
        group.Write("a", "only-a.txt", "only on a\n");
        await group.ScanNowAsync("a");
        await FunctionalAssert.CliUntilAsync(group, "a", ["files"], r => r.Stdout.Contains("only-a.txt", StringComparison.Ordinal), "a to record its changes");

        var compare = await group.CliAsync("b", "compare", "a");
        Assert.True(compare.ExitCode == 0, $"{compare}\n{group.DescribeLogs()}");
        Assert.Equal(
            ["X\tcommon.txt", "L\tdata.bin", "R\tnewer-a.txt", "L\tnewer-b.txt", "R\tonly-a.txt", "L\tonly-b.txt"],
            compare.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var all = await group.CliAsync("b", "compare");
        Assert.Equal(0, all.ExitCode);
        Assert.Contains("R\ta\tonly-a.txt", all.Stdout, StringComparison.Ordinal);
        var json = JsonDocument.Parse((await group.CliAsync("b", "compare", "--json")).Stdout).RootElement;
        Assert.Contains(json.EnumerateArray(), e => e.GetProperty("mark").GetString() == "X" && e.GetProperty("path").GetString() == "common.txt" && e.GetProperty("peer").GetString() == "a");

        var diff = await group.CliAsync("b", "diff", group.PathOf("b", "common.txt"), "--peer", "a");
        Assert.True(diff.ExitCode == 0, diff.ToString());
        Assert.Equal("--- a:common.txt\n+++ b:common.txt\n@@ -1 +1 @@\n-common from a\n+common from b\n", diff.Stdout);
        var onlyHere = await group.CliAsync("b", "diff", group.PathOf("b", "only-b.txt"));
        Assert.Equal("--- /dev/null\n+++ b:only-b.txt\n@@ -0,0 +1 @@\n+only on b\n", onlyHere.Stdout);
        var binary = await group.CliAsync("b", "diff", group.PathOf("b", "data.bin"), "--peer", "a");
        Assert.Equal("Binary files /dev/null and b:data.bin differ\n", binary.Stdout);
        var same = await group.CliAsync("b", "diff", group.PathOf("b", "same.txt"), "--peer", "a");
        Assert.True(same.ExitCode == 2 && same.Stdout.Length == 0, same.ToString());

        // With no daemon for b, nothing records b's edits: compare scans first, so an edit made a moment ago (no
        // `kubesync check` since) is listed too, and b's state then holds it.
        group.Write("b", "late-b.txt", "written after the last check\n");
        group.Write("b", "same.txt", "same no more\n");
        var late = await group.CliAsync("b", "compare", "a");
        Assert.True(late.ExitCode == 0, $"{late}\n{group.DescribeLogs()}");
        Assert.Equal(
            ["X\tcommon.txt", "L\tdata.bin", "L\tlate-b.txt", "R\tnewer-a.txt", "L\tnewer-b.txt", "R\tonly-a.txt", "L\tonly-b.txt", "L\tsame.txt"],
            late.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("recorded 2 local change(s) first", late.Stderr, StringComparison.Ordinal);
        Assert.Contains("late-b.txt", (await group.CliAsync("b", "files")).Stdout, StringComparison.Ordinal);
    }
}
