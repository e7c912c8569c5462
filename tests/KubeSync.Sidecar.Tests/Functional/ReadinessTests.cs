using System.Net;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A new member is ready (/readyz 200) only after a complete pull round with a member that is ready itself: during a
/// rollout it never reports ready after filling from another new, still-empty member.
/// </summary>
public sealed class ReadinessTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    // A long handshake timeout: a connection to the stopped old member stays pending (neither refused nor timed out).
    private static readonly MemberOptions Patient = new() { Timing = "handshake: 2m" };

    [Fact]
    public async Task NewMember_JoiningTwoNewMembersAndOneFullOne_ReadyOnlyAfterTheFullOnesRound()
    {
        await using var group = await MemberGroup.StartAsync(["old"], new MemberGroupOptions { Output = output });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
        var oldFiles = Enumerable.Range(0, 40).Select(i => $"old/{i:00}.txt").ToArray();
        foreach (var file in oldFiles)
        {
            group.Write("old", file, $"content of {file}\n");
        }

        await group.ScanNowAsync("old");
        await WaitReadyzAsync(http, group, "old", HttpStatusCode.OK);
        await FunctionalAssert.CliUntilAsync(group, "old", ["files"], r => oldFiles.All(f => r.Stdout.Contains(f, StringComparison.Ordinal)), "old to record its files");

        // The old member stops answering: its socket still accepts, but no handshake completes while it is stopped.
        await group.SignalAsync("old", "STOP");
        await group.AddMemberAsync("n1", Patient);
        await group.AddMemberAsync("n2", Patient);
        group.Write("n1", "n1.txt", "from n1\n");
        group.Write("n2", "n2.txt", "from n2\n");
        await group.ScanNowAsync("n1");
        await group.ScanNowAsync("n2");
        await Eventually.TrueAsync(() => File.Exists(group.PathOf("n1", "n2.txt")) && File.Exists(group.PathOf("n2", "n1.txt")), "n1 and n2 to exchange their files");

        // j completes its rounds with n1 and n2 (it has their files), but they are new and not ready themselves.
        await group.AddMemberAsync("j", Patient);
        await Eventually.TrueAsync(() => File.Exists(group.PathOf("j", "n1.txt")) && File.Exists(group.PathOf("j", "n2.txt")), "j to fill from n1 and n2");
        foreach (var member in new[] { "n1", "n2", "j" })
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, await ReadyzAsync(http, group, member));
        }

        Assert.DoesNotContain("web: ready", group.Log("j"), StringComparison.Ordinal);

        await group.SignalAsync("old", "CONT");
        await WaitReadyzAsync(http, group, "j", HttpStatusCode.OK);
        var tree = group.Tree("j");
        Assert.NotNull(tree);
        Assert.All(oldFiles, f => Assert.True(tree.ContainsKey(f), $"j reported ready without {f}"));

        // The round that made j ready was with old, or with n1 or n2 once their own round with old had made them
        // ready (all three connect to old when it resumes): never with a member that was not ready itself.
        await WaitLogAsync(group, "j", "web: ready (pulled the whole index of ");
        var reason = group.Log("j").Split('\n').Single(l => l.Contains("web: ready (", StringComparison.Ordinal));
        Assert.Matches(@"web: ready \(pulled the whole index of (old|n1|n2), a ready member\)", reason);
        var via = System.Text.RegularExpressions.Regex.Match(reason, "index of (\\w+)").Groups[1].Value;
        if (via != "old")
        {
            await WaitLogAsync(group, via, "web: ready (pulled the whole index of old, a ready member)");
        }

        await WaitReadyzAsync(http, group, "n1", HttpStatusCode.OK);
        await WaitReadyzAsync(http, group, "n2", HttpStatusCode.OK);
    }

    [Fact]
    public async Task NewMember_NoPeerReachable_ReadyAsTheFirstMember_ThenTheNextFillsFromIt()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
        await group.KillAsync("a");
        await group.KillAsync("b");
        foreach (var member in new[] { "a", "b" })
        {
            Directory.Delete(group.PathOf(member, ".kubesync"), recursive: true);
        }

        // a is new again and now lists b, which is down: it is the first member of its group.
        group.Write("a", "first.txt", "from the first member\n");
        await group.RestartAsync("a");
        await WaitReadyzAsync(http, group, "a", HttpStatusCode.OK);
        await WaitLogAsync(group, "a", "web: ready (no peer reachable: the first member of its group)");

        await group.RestartAsync("b");
        await WaitReadyzAsync(http, group, "b", HttpStatusCode.OK);
        Assert.True(File.Exists(group.PathOf("b", "first.txt")), "b reported ready before it had the first member's file");
        await WaitLogAsync(group, "b", "web: ready (pulled the whole index of a, a ready member)");
    }

    /// <summary>/readyz can answer before the member's log line about it has been read from its stderr.</summary>
    private static Task WaitLogAsync(MemberGroup group, string member, string line) =>
        Eventually.TrueAsync(
            () => Task.FromResult(group.Log(member).Contains(line, StringComparison.Ordinal)),
            () => $"{member} to log '{line}'\n{group.DescribeLogs()}",
            TimeSpan.FromSeconds(10));

    private static async Task<HttpStatusCode> ReadyzAsync(HttpClient http, MemberGroup group, string member)
    {
        using var response = await http.GetAsync(new Uri(group.AdminUri(member), "readyz"));
        return response.StatusCode;
    }

    private static Task WaitReadyzAsync(HttpClient http, MemberGroup group, string member, HttpStatusCode expected) =>
        Eventually.TrueAsync(
            async () =>
            {
                try
                {
                    return await ReadyzAsync(http, group, member) == expected;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            () => $"{member}'s /readyz to answer {(int)expected}\n{group.DescribeLogs()}",
            TimeSpan.FromSeconds(40));
}
