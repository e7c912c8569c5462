using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A real nginx serves from member b's synced directory: a site conf written on member a arrives at b with no manual
/// command (the watcher), b's action reloads nginx, and the page changes (issue 4).
/// </summary>
[Trait("Category", "Nginx")]
public sealed class NginxActionTests(ITestOutputHelper output)
{
    private static readonly TimeSpan PageTimeout = TimeSpan.FromSeconds(45);

    [SkippableFactIfNoNginx]
    public Task SiteConfWrittenOnA_SignalActionOnB_NginxServesTheNewSite() =>
        ChangeSiteOnAAsync(nginx => $$"""
                  - name: reload
                    patterns: ["*.conf"]
                    signal: {pidFile: "{{nginx.PidFile}}", signal: HUP}
                    delay: 50ms
            """);

    [SkippableFactIfNoNginx]
    public Task SiteConfWrittenOnA_ExecActionOnB_NginxServesTheNewSite() =>
        ChangeSiteOnAAsync(nginx => $$"""
                  - name: reload
                    patterns: ["*.conf"]
                    exec: ["{{NginxServer.NginxPath}}", "-c", "{{nginx.Conf}}", "-e", "{{nginx.ErrorLogPath}}", "-s", "reload"]
                    delay: 50ms
            """);

    private async Task ChangeSiteOnAAsync(Func<NginxServer, string> action)
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output, Rescan = "10m" });

        // nginx includes b's root/*.conf: nothing yet, so it serves no site until b's action reloads it.
        using var nginx = await NginxServer.StartAsync(group.Root("b"));
        group.RewriteConfig("b", new MemberOptions { GroupYaml = "    actions:\n" + action(nginx) });
        await group.RestartAsync("b");
        Assert.Null(await nginx.PageAsync());

        group.Write("a", "site.conf", nginx.Site("v1"));
        await Eventually.TrueAsync(async () => await nginx.PageAsync() == "v1", () => $"nginx serves v1 after a's first site.conf\n{nginx.ErrorLog()}\n{group.DescribeLogs()}", PageTimeout);

        group.Write("a", "site.conf", nginx.Site("v2"));
        await Eventually.TrueAsync(async () => await nginx.PageAsync() == "v2", () => $"nginx serves v2 after a's change\n{nginx.ErrorLog()}\n{group.DescribeLogs()}", PageTimeout);

        var status = await group.CliAsync("b", "status");
        Assert.Contains("web/reload", status.Stdout, StringComparison.Ordinal);
        Assert.Contains("succeeded", status.Stdout, StringComparison.Ordinal);
    }
}
