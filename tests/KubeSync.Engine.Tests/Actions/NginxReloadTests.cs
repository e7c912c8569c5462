using System.Diagnostics;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Engine.Tests.Actions;

/// <summary>A real nginx whose site config lives in a synced directory, reloaded by a scheduled action after the config changes.</summary>
[Trait("Category", "Nginx")]
public sealed class NginxReloadTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("kubesync-nginx-");
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(5) };
    private readonly int _port = TestPorts.Reserve();
    private Process? _nginx;

    private string Root => _dir.Combine("root");

    private string Conf => _dir.Combine("nginx.conf");

    private string PidFile => _dir.Combine("nginx.pid");

    public void Dispose()
    {
        if (_nginx is { HasExited: false })
        {
            _nginx.Kill(entireProcessTree: true);
            _nginx.WaitForExit(10_000);
        }

        _nginx?.Dispose();
        _http.Dispose();
        _dir.Dispose();
    }

    [NginxFact]
    public async Task Trigger_SignalActionByPidFile_NginxServesTheNewConfig()
    {
        await StartNginxAsync();

        await ChangeAndTriggerAsync(new ActionConfig { Name = "reload", Patterns = ["*.conf"], Signal = new SignalActionConfig(null, PidFile, "HUP"), Delay = TimeSpan.FromMilliseconds(50) });
    }

    [NginxFact]
    public async Task Trigger_ExecActionNginxReload_NginxServesTheNewConfig()
    {
        await StartNginxAsync();

        await ChangeAndTriggerAsync(new ActionConfig
        {
            Name = "reload",
            Patterns = ["*.conf"],
            Exec = [NginxFactAttribute.NginxPath, "-c", Conf, "-e", _dir.Combine("error.log"), "-s", "reload"],
            Delay = TimeSpan.FromMilliseconds(50),
        });
    }

    private async Task ChangeAndTriggerAsync(ActionConfig action)
    {
        using var state = StateStore.Open(_dir.Combine("state/state.db"), "web-0", "web");
        using var pending = PendingActionStore.Open(state);
        var group = new GroupConfig { Name = "web", Root = Root, StateDir = _dir.Combine("state"), Actions = [action] };
        await using var scheduler = new ActionScheduler(group, [new ExecActionRunner(), new SignalActionRunner()], pending, TimeProvider.System, NullLogger.Instance);
        var reports = new List<ActionRunReport>();
        scheduler.RunCompleted += (_, r) => { lock (reports) { reports.Add(r); } };

        WriteSite("v2");
        scheduler.Trigger([SyncPath.Parse("site.conf")], local: false);

        await Eventually.TrueAsync(async () => await PageAsync() == "v2", () => $"nginx serves v2 (runs: {string.Join("; ", reports.Select(r => $"{r.Result.Outcome} {r.Result.Message}"))})", TestTimeout);
        lock (reports)
        {
            Assert.Equal(ActionRunOutcome.Succeeded, Assert.Single(reports).Result.Outcome);
        }
    }

    private async Task StartNginxAsync()
    {
        Directory.CreateDirectory(Root);
        WriteSite("v1");
        var temp = _dir.Combine("temp");
        Directory.CreateDirectory(temp);
        File.WriteAllText(Conf, $$"""
            daemon off;
            worker_processes 1;
            pid {{PidFile}};
            error_log {{_dir.Combine("error.log")}};
            events { worker_connections 64; }
            http {
                access_log {{_dir.Combine("access.log")}};
                client_body_temp_path {{temp}}/body;
                proxy_temp_path {{temp}}/proxy;
                fastcgi_temp_path {{temp}}/fastcgi;
                uwsgi_temp_path {{temp}}/uwsgi;
                scgi_temp_path {{temp}}/scgi;
                include {{Root}}/site.conf;
            }
            """);
        _nginx = Process.Start(new ProcessStartInfo(NginxFactAttribute.NginxPath)
        {
            ArgumentList = { "-c", Conf, "-e", _dir.Combine("error.log") },
        })!;
        await Eventually.TrueAsync(async () => await PageAsync() == "v1", () => $"nginx serves v1 ({ErrorLog()})", TestTimeout);
    }

    private void WriteSite(string version) =>
        File.WriteAllText(Path.Combine(Root, "site.conf"), $"server {{ listen 127.0.0.1:{_port}; location / {{ default_type text/plain; return 200 \"{version}\"; }} }}\n");

    private async Task<string?> PageAsync()
    {
        try
        {
            return await _http.GetStringAsync(new Uri($"http://127.0.0.1:{_port}/"));
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException)
        {
            return null;
        }
    }

    private string ErrorLog() => File.Exists(_dir.Combine("error.log")) ? File.ReadAllText(_dir.Combine("error.log")) : "no error log";
}
