using System.Text.RegularExpressions;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// The same file changed on two members between syncs (one of them down while the other changes it) is a conflict,
/// settled by the group's <c>auto</c> policy or, under <c>none</c>, by <c>kubesync force</c>.
/// </summary>
public sealed partial class ConflictResolutionTests(ITestOutputHelper output)
{
    private const string File0 = "settings.ini";
    private static readonly string[] Members = ["a", "b", "c"];

    [Fact]
    public async Task ConcurrentChange_AutoNone_BothKeepTheirOwnUntilForced()
    {
        await using var group = await StartSyncedAsync("none");
        await ChangeOnBothAsync(group, "from a\n", "from b\n");

        foreach (var m in new[] { "a", "b" })
        {
            var listed = await FunctionalAssert.CliUntilAsync(group, m, ["conflicts"], r => r.ExitCode == 0 && r.Stdout.Contains(File0, StringComparison.Ordinal), $"kubesync conflicts to list {File0}");
            output.WriteLine($"conflicts on {m}: {listed.Stdout}");
        }

        Assert.Equal("from a\n", File.ReadAllText(group.PathOf("a", File0)));
        Assert.Equal("from a\n", File.ReadAllText(group.PathOf("c", File0)));
        Assert.Equal("from b\n", File.ReadAllText(group.PathOf("b", File0)));

        var forced = await group.CliAsync("b", "force", group.PathOf("b", File0));
        Assert.True(forced.ExitCode == 0, forced.ToString());
        await group.ScanNowAsync("b");

        await Eventually.TrueAsync(() => Members.All(m => Read(group, m) == "from b\n"), "b's forced version on every member");
        await group.WaitConvergedAsync(File0);
        foreach (var m in Members)
        {
            await FunctionalAssert.CliUntilAsync(group, m, ["conflicts"], r => r.ExitCode == 2, "kubesync conflicts to list nothing after force");
        }
    }

    [Fact]
    public async Task ConcurrentChange_AutoYounger_NewerModificationTimeWinsEverywhere()
    {
        await using var group = await StartSyncedAsync("younger");

        // The newer version is written first (in real time) on the member that is down, so "last to arrive" would pick the other.
        var now = DateTime.UtcNow;
        await ChangeOnBothAsync(group, "older, from a\n", "newer, from b\n", aModified: now.AddHours(-1), bModified: now.AddMinutes(-5));

        await Eventually.TrueAsync(() => Members.All(m => Read(group, m) == "newer, from b\n"), "the younger version (b's) on every member");
        await group.WaitConvergedAsync(File0);
        Assert.Single(group.Tree("a")!.Keys, p => p.Contains(File0.Split('.')[0], StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConcurrentChange_AutoKeepBoth_WinnerAtPathLoserBesideItEverywhere()
    {
        await using var group = await StartSyncedAsync("keep-both");
        await ChangeOnBothAsync(group, "from a\n", "from b\n");

        await Eventually.TrueAsync(() => Members.All(m => ConflictCopies(group, m).Count == 1), "one conflict copy on every member");
        await group.WaitConvergedAsync(File0);

        var winner = Read(group, "a");
        Assert.Contains(winner, new[] { "from a\n", "from b\n" });
        var loserNode = winner == "from a\n" ? "b" : "a";
        foreach (var m in Members)
        {
            Assert.Equal(winner, Read(group, m));
            var copy = Assert.Single(ConflictCopies(group, m));
            var match = CopyName().Match(copy);
            Assert.True(match.Success, $"{copy} is not NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT");
            Assert.Equal(loserNode, match.Groups["node"].Value);
            Assert.Equal($"from {loserNode}\n", File.ReadAllText(group.PathOf(m, copy)));
        }
    }

    /// <summary>
    /// A large file changed on two members at once, each recording its version with the hash pending (it is hashed as
    /// it is sent): the same content merges without a conflict, as for a small file; different content is a conflict
    /// under <c>none</c> on both members. A member never compares a version whose hash is still pending: the offer waits
    /// for the scan that hashes it.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConcurrentChange_LargeFile_SameContentMergesDifferentContentConflicts(bool same)
    {
        // No periodic rescan: a pending hash is filled only by a transfer or by the scan a refusal asks for.
        const string big = "upload.bin";
        await using var group = await StartSyncedAsync("none", rescan: "1h");
        var onA = System.Security.Cryptography.RandomNumberGenerator.GetBytes(17 * 1024 * 1024);
        var onB = same ? onA : System.Security.Cryptography.RandomNumberGenerator.GetBytes(onA.Length);
        await group.KillAsync("b");
        await File.WriteAllBytesAsync(group.PathOf("b", big), onB);
        await File.WriteAllBytesAsync(group.PathOf("a", big), onA);
        await group.ScanNowAsync("a");
        await Eventually.TrueAsync(() => File.Exists(group.PathOf("c", big)) && new FileInfo(group.PathOf("c", big)).Length == onA.Length, "c to take a's file while b is down");
        await group.RestartAsync("b");

        if (same)
        {
            // The merge: every member records one version holding both changes, and the file's hash.
            string[] versions = [];
            await Eventually.TrueAsync(
                async () =>
                {
                    versions = await Task.WhenAll(Members.Select(m => BigVersionAsync(group, m, big)));
                    return versions.Distinct().Count() == 1 && versions[0].Contains("a:", StringComparison.Ordinal) && versions[0].Contains("b:", StringComparison.Ordinal);
                },
                () => $"one merged, hashed version of {big} on every member (now {string.Join(" / ", versions)})");

            // The two versions met while one side's hash was pending: that offer was refused until the hash came.
            Assert.True(Members.Any(m => group.Log(m).Contains($"refused {big}: ", StringComparison.Ordinal)), $"no refusal of {big} logged\n{group.DescribeLogs()}");
            foreach (var m in Members)
            {
                Assert.Equal(onA, await File.ReadAllBytesAsync(group.PathOf(m, big)));
                var none = await group.CliAsync(m, "conflicts");
                Assert.True(none.ExitCode == 2, $"{m} lists a conflict for identical content: {none}");
            }

            return;
        }

        foreach (var m in new[] { "a", "b" })
        {
            await FunctionalAssert.CliUntilAsync(group, m, ["conflicts"], r => r.ExitCode == 0 && r.Stdout.Contains(big, StringComparison.Ordinal), $"kubesync conflicts on {m} to list {big}");
        }

        Assert.Equal(onA, await File.ReadAllBytesAsync(group.PathOf("a", big)));
        Assert.Equal(onB, await File.ReadAllBytesAsync(group.PathOf("b", big)));
    }

    /// <summary>The member's recorded version of the path, or "hash pending" / "none" while it has no hashed row.</summary>
    private static async Task<string> BigVersionAsync(MemberGroup group, string member, string path)
    {
        return await FunctionalAssert.FileRowAsync(group, member, path) is not { } row ? "none"
            : row.TryGetProperty("sha256", out _) ? row.GetProperty("version").GetString()! : "hash pending";
    }

    /// <summary>Three members that share <see cref="File0"/>.</summary>
    private async Task<MemberGroup> StartSyncedAsync(string auto, string rescan = "1s")
    {
        var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Auto = auto, Output = output, Rescan = rescan });
        group.Write("a", File0, "original\n", DateTime.UtcNow.AddHours(-2));
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync(File0);
        return group;
    }

    /// <summary>Changes the file on b while b is down and on a while a runs (c takes a's version), then restarts b.</summary>
    private static async Task ChangeOnBothAsync(MemberGroup group, string onA, string onB, DateTime? aModified = null, DateTime? bModified = null)
    {
        await group.KillAsync("b");
        group.Write("b", File0, onB, bModified);
        group.Write("a", File0, onA, aModified);
        await group.ScanNowAsync("a");
        await Eventually.TrueAsync(() => Read(group, "c") == onA, "c to take a's change while b is down");
        await group.RestartAsync("b");
    }

    private static string? Read(MemberGroup group, string member)
    {
        try
        {
            return File.ReadAllText(group.PathOf(member, File0));
        }
        catch (IOException)
        {
            return null;
        }
    }

    private static List<string> ConflictCopies(MemberGroup group, string member) =>
        [.. (group.Tree(member) ?? new Dictionary<string, string>()).Keys.Where(p => p.Contains(".sync-conflict-", StringComparison.Ordinal))];

    [GeneratedRegex(@"^settings\.sync-conflict-\d{8}-\d{6}-(?<node>[a-z]+)\.ini$")]
    private static partial Regex CopyName();
}
