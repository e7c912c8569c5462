using System.Text.Json;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A running member takes a changed config without a restart (issue 4 part 4): on SIGHUP, or by itself when the file
/// changes; a broken file is refused and the member keeps syncing with the config it had.
/// </summary>
public sealed class ConfigReloadTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task NewExclude_AfterSighup_NewMatchingFilesStayLocal()
    {
        var quiet = new MemberOptions { WatchConfig = false };
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions
        {
            Output = output,
            Rescan = "10m",
            Members = new Dictionary<string, MemberOptions> { ["a"] = quiet },
        });
        group.Write("a", "before.log", "synced while logs were included\n");
        await group.WaitConvergedAsync("before.log");

        group.RewriteConfig("a", quiet with { GroupYaml = "    exclude: [\"*.log\"]" });
        await group.SignalAsync("a", "HUP");
        await Eventually.TrueAsync(() => Task.FromResult(group.Log("a").Contains("(SIGHUP): groups[0].exclude", StringComparison.Ordinal)), () => $"a to reload on SIGHUP\n{group.Log("a")}");

        // Written in this order, the kept file's arrival shows the watcher has already handled the excluded one.
        group.Write("a", "after.log", "stays on a\n");
        group.Write("a", "after.txt", "travels\n");
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(group.PathOf("b", "after.txt"))), () => $"after.txt on b\n{group.DescribeLogs()}");

        Assert.False(File.Exists(group.PathOf("b", "after.log")), "an excluded file reached b");
        Assert.Equal("synced while logs were included\n", File.ReadAllText(group.PathOf("b", "before.log")));
        var files = await group.CliAsync("a", "files");
        Assert.DoesNotContain("after.log", files.Stdout, StringComparison.Ordinal);
        Assert.Contains("after.txt", files.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewStaticPeer_AfterTheFileChanges_IsDialledAndCatchesUp()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output, Rescan = "10m" });

        // c lists nobody and nobody lists c: it stays alone until a's config names it.
        await group.AddMemberAsync("c", new MemberOptions { StaticPeers = [] });
        group.Write("a", "early.txt", "written before a knew c\n");
        await Eventually.TrueAsync(() => Task.FromResult(File.Exists(group.PathOf("b", "early.txt"))), () => $"early.txt on b\n{group.DescribeLogs()}");
        Assert.False(File.Exists(group.PathOf("c", "early.txt")), "c received a file before any member knew it");

        group.RewriteConfig("a", new MemberOptions());
        await group.WaitConvergedAsync("early.txt");

        // The reload's line was written before c was dialled, but the test reads a's log from a pipe that may lag.
        await Eventually.TrueAsync(
            () => Task.FromResult(group.Log("a").Contains("(file change): groups[0].peers changed", StringComparison.Ordinal)),
            () => $"a to log the reload on the file change\n{group.Log("a")}");
        Assert.Equal("written before a knew c\n", File.ReadAllText(group.PathOf("c", "early.txt")));
    }

    [Fact]
    public async Task BrokenConfig_IsRefused_MemberKeepsSyncing()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output, Rescan = "10m" });
        group.Write("a", "one.txt", "one\n");
        await group.WaitConvergedAsync("one.txt");

        group.RewriteConfig("a", new MemberOptions { GroupYaml = "    exlude: [\"*.txt\"]" });
        await Eventually.TrueAsync(() => Task.FromResult(group.Log("a").Contains("rejected (file change)", StringComparison.Ordinal)), () => $"a to refuse the file\n{group.Log("a")}");
        Assert.Contains("groups[0].exlude: unknown key (did you mean 'exclude'?)", group.Log("a"), StringComparison.Ordinal);

        group.Write("a", "two.txt", "two\n");
        await group.WaitConvergedAsync("two.txt");
        Assert.True(group.IsRunning("a"));

        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };
        var metrics = await http.GetStringAsync(new Uri(group.AdminUri("a"), "metrics"));
        Assert.Contains("kubesync_config_reloads_total{outcome=\"rejected\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("kubesync_config_reloads_total{outcome=\"applied\"} 0", metrics, StringComparison.Ordinal);

        using var status = JsonDocument.Parse(await http.GetStringAsync(new Uri(group.AdminUri("a"), "status")));
        var reload = status.RootElement.GetProperty("lastReload");
        Assert.Equal("rejected", reload.GetProperty("outcome").GetString());
        Assert.Equal("file change", reload.GetProperty("trigger").GetString());
        Assert.StartsWith("groups[0].exlude: unknown key", reload.GetProperty("error").GetString(), StringComparison.Ordinal);
    }
}
