using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// <c>kubesync sync</c> without a local daemon (csync2 <c>-x</c>): it scans, dials the peers (beside the scan) and pushes;
/// exit 0 means the peer holds every change, exit 1 names what is still owed.
/// </summary>
public sealed class OneShotSyncTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Sync_WithoutLocalDaemon_ExitsZeroOnlyOnceThePeerHoldsEveryChange()
    {
        await using var group = await StartMetAsync();
        await group.KillAsync("b");
        var files = Enumerable.Range(0, 30).Select(i => $"dir{i % 3}/f{i:00}.txt").ToArray();
        foreach (var file in files)
        {
            group.Write("b", file, $"one-shot {file}\n");
        }

        var result = await group.CliAsync("b", "sync", "--timeout", "30s");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("in sync: nothing owed to any peer", result.Stderr, StringComparison.Ordinal);

        // Exit 0 promises the peer acknowledged everything: the files are there now, not eventually.
        Assert.All(files, f => Assert.Equal($"one-shot {f}\n", File.ReadAllText(group.PathOf("a", f))));
    }

    [Fact]
    public async Task Sync_PushedRows_CountAsReadFromThePeersIndex()
    {
        await using var group = await StartMetAsync();
        await group.KillAsync("b");
        var files = Enumerable.Range(0, 40).Select(i => $"pushed{i % 4}/f{i:00}.txt").ToArray();
        foreach (var file in files)
        {
            group.Write("b", file, $"pushed {file}\n");
        }

        var result = await group.CliAsync("b", "sync", "--timeout", "30s");
        Assert.True(result.ExitCode == 0, result.ToString());

        // a recorded the 40 files and 4 directories under seqs of its own, and each Ack named its seq: b's progress in
        // a's index covers them, so b's next pull does not read them back.
        var aLastSeq = Group(await group.CliAsync("a", "status", "--json")).GetProperty("lastSeq").GetInt64();
        var bSawOfA = Group(await group.CliAsync("b", "status", "--json")).GetProperty("peers").EnumerateArray()
            .Single(p => p.GetProperty("node").GetString() == "a").GetProperty("theirSeqSeen").GetInt64();
        Assert.True(aLastSeq >= files.Length + 4, $"a's last seq {aLastSeq}");
        Assert.Equal(aLastSeq, bSawOfA);
    }

    /// <summary>
    /// A large file travels with its hash to follow (protocol version 7): b's one-shot gives the changed file a new
    /// version without reading it first, a checks what it rebuilt against the hash the transfer ends with, and both
    /// record that hash when the one-shot returns, under the same version (no rescan in between).
    /// </summary>
    [Fact]
    public async Task Sync_LargeChangedFile_BothRecordTheHashTheTransferCarried()
    {
        await using var group = await StartMetAsync();
        await group.KillAsync("b");
        var content = System.Security.Cryptography.RandomNumberGenerator.GetBytes(24 * 1024 * 1024);
        var path = group.PathOf("b", "big.bin");
        await File.WriteAllBytesAsync(path, content);

        for (var round = 0; round < 2; round++)
        {
            var result = await group.CliAsync("b", "sync", "--timeout", "60s");
            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.Equal(content, await File.ReadAllBytesAsync(group.PathOf("a", "big.bin")));
            var (bHash, bVersion) = await BigRowAsync(group, "b");
            var (aHash, aVersion) = await BigRowAsync(group, "a");
            Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(content)), bHash);
            Assert.Equal(bHash, aHash);
            Assert.Equal(bVersion, aVersion);

            // Then 1 MiB in the middle changes (same size, a new mtime): a delta against a's copy.
            System.Security.Cryptography.RandomNumberGenerator.Fill(content.AsSpan(content.Length / 2, 1024 * 1024));
            await File.WriteAllBytesAsync(path, content);
        }
    }

    private static async Task<(string? Hash, string? Version)> BigRowAsync(MemberGroup group, string member)
    {
        var row = await FunctionalAssert.FileRowAsync(group, member, "big.bin") ?? throw new Xunit.Sdk.XunitException($"{member} records no big.bin");
        return (row.GetProperty("sha256").GetString(), row.GetProperty("version").GetString());
    }

    private static System.Text.Json.JsonElement Group(KubeSyncProcess.Result status)
    {
        Assert.True(status.ExitCode == 0, status.ToString());
        return System.Text.Json.JsonDocument.Parse(status.Stdout).RootElement.GetProperty("groups")[0];
    }

    [Fact]
    public async Task Sync_PeerDown_ExitsOneWithTheOwedCount_SayingItWhileItWaits()
    {
        await using var group = await StartMetAsync();
        await group.KillAsync("b");
        await group.KillAsync("a");
        group.Write("b", "first.txt", "first\n");
        group.Write("b", "second.txt", "second\n");

        var result = await group.CliAsync("b", "sync", "--timeout", "3s", "--progress", "1s");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("2 paths still owed to a", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("web: 2 paths owed to a (", result.Stderr, StringComparison.Ordinal);
        Assert.False(File.Exists(group.PathOf("a", "first.txt")));

        var quiet = await group.CliAsync("b", "sync", "--timeout", "2s", "--progress", "0");
        Assert.True(quiet.ExitCode == 1, quiet.ToString());
        Assert.DoesNotContain("paths owed to a (", quiet.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_BesideTheRunningDaemon_SaysWhatIsStillOwedWhileWaiting()
    {
        await using var group = await StartMetAsync();
        await group.KillAsync("a");
        group.Write("b", "first.txt", "first\n");
        group.Write("b", "second.txt", "second\n");

        // b's daemon records both (the sync asks it to scan) but cannot reach a.
        var result = await group.CliAsync("b", "sync", "--timeout", "4s", "--progress", "1s");

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("asking the running daemon", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("web: 2 paths owed to a (", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sync_ProgressNotADuration_IsAUsageErrorNamingTheOption()
    {
        await using var group = await StartMetAsync();

        var result = await group.CliAsync("b", "sync", "--progress", "often");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("--progress often: not a duration like 30s", result.Stderr, StringComparison.Ordinal);
    }

    /// <summary>
    /// Two members that have met, with their daemons still running; b lists a among its static peers (a, the first,
    /// lists none), so b's one-shot has a peer to dial.
    /// </summary>
    private async Task<MemberGroup> StartMetAsync()
    {
        var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("b", "seed.txt", "seed\n");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("seed.txt");

        // a holds the seed before its ack reaches b: until b records the ack, b still owes it, and a one-shot would
        // count it with the test's own files.
        await FunctionalAssert.NothingOwedAsync(group, "b");
        return group;
    }
}
