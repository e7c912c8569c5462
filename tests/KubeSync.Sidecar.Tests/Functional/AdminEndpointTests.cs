using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Running members serve /metrics (valid for promtool), /healthz, /readyz and /status on their admin address.</summary>
public sealed partial class AdminEndpointTests(ITestOutputHelper output)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(10);

    [SkippableFactIfNoPromtool]
    public async Task AdminEndpoint_AfterAChangeSynced_ServesMetricsHealthReadinessAndStatus()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };

        group.Write("a", "hello.txt", "hello from a\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("hello.txt");

        string metrics = "";
        await Eventually.TrueAsync(
            async () =>
            {
                metrics = await GetAsync(http, group.AdminUri("b"), "metrics", HttpStatusCode.OK);
                return Sample(metrics, "kubesync_files_received_total", "group=\"web\"") > 0 && Sample(metrics, "kubesync_files", "group=\"web\"") == 1;
            },
            () => $"b's /metrics to count the received file\n{metrics}");

        await PromtoolCheckAsync(metrics);
        Assert.Equal(1, Sample(metrics, "kubesync_peers_connected", "group=\"web\""));
        Assert.Equal(0, Sample(metrics, "kubesync_conflicts", "group=\"web\""));
        Assert.Equal(0, Sample(metrics, "kubesync_files_sent_total", "group=\"web\""));
        Assert.True(Sample(metrics, "kubesync_bytes_received_total", "group=\"web\"") >= "hello from a\n".Length, metrics);
        Assert.True(Sample(metrics, "kubesync_scan_duration_seconds_count", "group=\"web\"") >= 1, metrics);
        Assert.Equal(1, Sample(metrics, "kubesync_build_info", "version=\""));
        Assert.Contains("# TYPE kubesync_propagation_seconds histogram", metrics);
        Assert.Contains("# TYPE kubesync_oldest_dirty_age_seconds gauge", metrics);

        var sender = "";
        await Eventually.TrueAsync(
            async () =>
            {
                sender = await GetAsync(http, group.AdminUri("a"), "metrics", HttpStatusCode.OK);
                return Sample(sender, "kubesync_files_sent_total", "group=\"web\"") == 1 && Sample(sender, "kubesync_dirty_files", "peer=\"b\"") == 0;
            },
            () => $"a's /metrics to count the sent file with nothing left owed to b\n{sender}");
        Assert.Equal(0, Sample(sender, "kubesync_oldest_dirty_age_seconds", "group=\"web\""));

        foreach (var member in group.Members)
        {
            await Eventually.TrueAsync(
                async () => (await SendAsync(http, new Uri(group.AdminUri(member), "readyz"))).StatusCode == HttpStatusCode.OK,
                () => $"{member}'s /readyz to answer 200\n{group.DescribeLogs()}");
            Assert.Equal("ok\n", await GetAsync(http, group.AdminUri(member), "healthz", HttpStatusCode.OK));
        }

        var status = JsonDocument.Parse(await GetAsync(http, group.AdminUri("b"), "status", HttpStatusCode.OK)).RootElement;
        Assert.Equal("b", status.GetProperty("node").GetString());
        Assert.Equal("daemon", status.GetProperty("source").GetString());
        Assert.Equal(JsonValueKind.Array, status.GetProperty("actions").ValueKind);
        var web = Assert.Single(status.GetProperty("groups").EnumerateArray().ToList());
        Assert.Equal("web", web.GetProperty("group").GetString());
        Assert.Equal("b", web.GetProperty("node").GetString());
        Assert.Equal(group.Root("b"), web.GetProperty("root").GetString());
        Assert.True(web.GetProperty("ready").GetBoolean());
        Assert.Equal(1, web.GetProperty("files").GetInt64());
        Assert.Equal(0, web.GetProperty("conflicts").GetInt32());
        Assert.True(web.GetProperty("lastScan").GetProperty("entries").GetInt64() >= 0);
        var peer = Assert.Single(web.GetProperty("peers").EnumerateArray().ToList());
        Assert.Equal("a", peer.GetProperty("node").GetString());
        Assert.True(peer.GetProperty("connected").GetBoolean());
        Assert.Contains(peer.GetProperty("session").GetString(), new[] { "settled", "syncing" });
        Assert.Equal(0, peer.GetProperty("dirty").GetInt64());

        var cli = await group.CliAsync("b", "status");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        Assert.Contains("from the running daemon", cli.Stdout);
        Assert.Contains("  ready      yes", cli.Stdout);

        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(http, new Uri(group.AdminUri("a"), "nope"))).StatusCode);
        using var post = await http.PostAsync(new Uri(group.AdminUri("a"), "metrics"), null).WaitAsync(RequestTimeout);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, post.StatusCode);
    }

    [SkippableFactIfNoPromtool]
    public async Task Metrics_ContentType_IsPrometheusText004()
    {
        await using var group = await MemberGroup.StartAsync(["a"], new MemberGroupOptions { Output = output });
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { Timeout = RequestTimeout };

        using var response = await SendAsync(http, new Uri(group.AdminUri("a"), "metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        await PromtoolCheckAsync(await response.Content.ReadAsStringAsync().WaitAsync(RequestTimeout));
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, Uri uri) =>
        await http.GetAsync(uri).WaitAsync(RequestTimeout);

    private static async Task<string> GetAsync(HttpClient http, Uri admin, string path, HttpStatusCode expected)
    {
        using var response = await SendAsync(http, new Uri(admin, path));
        var body = await response.Content.ReadAsStringAsync().WaitAsync(RequestTimeout);
        Assert.True(response.StatusCode == expected, $"GET /{path}: {(int)response.StatusCode}\n{body}");
        return body;
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

    private static async Task PromtoolCheckAsync(string metrics)
    {
        var start = new ProcessStartInfo(SkippableFactIfNoPromtoolAttribute.PromtoolPath, ["check", "metrics"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var promtool = Process.Start(start)!;
        var stdout = promtool.StandardOutput.ReadToEndAsync();
        var stderr = promtool.StandardError.ReadToEndAsync();
        await promtool.StandardInput.WriteAsync(metrics).WaitAsync(RequestTimeout);
        promtool.StandardInput.Close();
        await promtool.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        var problems = await stdout.WaitAsync(RequestTimeout) + await stderr.WaitAsync(RequestTimeout);
        Assert.True(promtool.ExitCode == 0 && problems.Trim().Length == 0, $"promtool check metrics: exit {promtool.ExitCode}\n{problems}\n--- metrics\n{metrics}");
    }

    [GeneratedRegex(@"^(?<name>[a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?<labels>[^}]*)\})? (?<value>\S+)$", RegexOptions.Multiline)]
    private static partial Regex SampleLine();
}
