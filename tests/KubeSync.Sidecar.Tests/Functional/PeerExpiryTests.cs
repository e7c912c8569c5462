using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A member forgets a peer that connected to it and went away for good (a pod replaced in a rollout) once it was
/// unseen for <c>timing.peerExpiry</c>, so its dirty count and oldest-dirty age follow the live group; a statically
/// configured peer stays however long it is away; a forgotten peer that comes back is refilled.
/// </summary>
public sealed partial class PeerExpiryTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task IncomingPeerGoneForGood_ForgottenAfterExpiry_StaticPeerStays_ReturningPeerRefilled()
    {
        // s is a's static peer; d names a in its config, but a learns d only from d's connection.
        var options = new MemberGroupOptions
        {
            Output = output,
            Members = new Dictionary<string, MemberOptions> { ["a"] = new() { Timing = "peerExpiry: 15s" } },
        };
        await using var group = await MemberGroup.StartAsync(["s", "a"], options);
        await group.AddMemberAsync("d");
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
        group.Write("a", "first.txt", "seen by everyone\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("first.txt");
        await MetricsUntilAsync(group, http, m => Sample(m, "kubesync_dirty_files", "peer=\"d\"") == 0 && Sample(m, "kubesync_dirty_files", "peer=\"s\"") == 0, "a to know d and s and owe them nothing");

        // d goes for good; x.txt is then owed to d alone (s confirms it).
        await group.KillAsync("d");
        group.Write("a", "x.txt", "written after d left\n");
        await group.ScanNowAsync("a");
        var before = await MetricsUntilAsync(
            group,
            http,
            m => Sample(m, "kubesync_dirty_files", "peer=\"d\"") == 1 && Sample(m, "kubesync_dirty_files", "peer=\"s\"") == 0 && Sample(m, "kubesync_oldest_dirty_age_seconds", "group=\"web\"") >= 3,
            "a to owe x.txt to d alone for 3 s");
        var oldestBefore = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(Sample(before, "kubesync_oldest_dirty_age_seconds", "group=\"web\""));

        // s, a static peer, goes too: y.txt is owed to it (and to d while a still knows d).
        await group.KillAsync("s");
        group.Write("a", "y.txt", "written after s left\n");
        await group.ScanNowAsync("a");

        var after = await MetricsUntilAsync(
            group,
            http,
            m => !m.Contains("peer=\"d\"", StringComparison.Ordinal) && Sample(m, "kubesync_dirty_files", "peer=\"s\"") == 1 && Sample(m, "kubesync_peers_forgotten_total", "group=\"web\"") == 1,
            "a to forget d (counted) and owe y.txt to s");
        var oldestAfter = DateTimeOffset.UtcNow - TimeSpan.FromSeconds(Sample(after, "kubesync_oldest_dirty_age_seconds", "group=\"web\""));
        Assert.True(oldestAfter - oldestBefore >= TimeSpan.FromSeconds(2), $"the oldest dirty mark moved from {oldestBefore:O} to {oldestAfter:O} only: x.txt owed to d should be gone\n{after}");
        await Eventually.TrueAsync(() => group.Log("a").Contains("forgot peer d (incoming)", StringComparison.Ordinal), "a to log that it forgot d");

        var dirty = await group.CliAsync("a", "dirty", "--json");
        Assert.True(dirty.ExitCode == 0, dirty.ToString());
        var rows = JsonDocument.Parse(dirty.Stdout).RootElement.EnumerateArray()
            .Select(r => (r.GetProperty("path").GetString(), r.GetProperty("peer").GetString())).ToList();
        Assert.Equal([("y.txt", "s")], rows);

        // d comes back (its state kept): a takes it as a new peer, owes it every row, and d ends up with what it missed.
        await group.RestartAsync("d");
        await group.WaitConvergedAsync("first.txt", "x.txt", "y.txt");
        await MetricsUntilAsync(group, http, m => Sample(m, "kubesync_dirty_files", "peer=\"d\"") == 0, "a to know d again and owe it nothing");
        Assert.Equal("written after s left\n", File.ReadAllText(group.PathOf("d", "y.txt")));
    }

    private static async Task<string> MetricsUntilAsync(MemberGroup group, HttpClient http, Func<string, bool> condition, string what)
    {
        var last = "";
        await Eventually.TrueAsync(
            async () =>
            {
                last = await http.GetStringAsync(new Uri(group.AdminUri("a"), "metrics")).WaitAsync(RequestTimeout);
                return condition(last);
            },
            () => $"{what}\n{last}\n{group.DescribeLogs()}");
        return last;
    }

    /// <summary>The value of the first sample of <paramref name="name"/> whose labels contain <paramref name="labelPart"/>, or NaN.</summary>
    private static double Sample(string metrics, string name, string labelPart)
    {
        foreach (Match m in SampleLine().Matches(metrics))
        {
            if (m.Groups["name"].Value == name && m.Groups["labels"].Value.Contains(labelPart, StringComparison.Ordinal))
            {
                return double.Parse(m.Groups["value"].Value, CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
