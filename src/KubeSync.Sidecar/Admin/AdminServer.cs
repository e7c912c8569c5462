using System.Net;
using System.Text;
using System.Text.Json;

using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Metrics;
using KubeSync.Sidecar.Cli;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Admin;

/// <summary>
/// The admin HTTP endpoint of <c>kubesync run</c> (DESIGN 5), on Kestrel at the config's <c>admin</c> address:
/// <c>/metrics</c> (Prometheus text 0.0.4), <c>/healthz</c> (200 while the daemon's loops are alive, else 503 with
/// the reason), <c>/readyz</c> (200 once every group finished its initial sync), <c>/status</c> (JSON).
/// </summary>
internal sealed class AdminServer : IAsyncDisposable
{
    /// <summary>How long a scrape waits for a group's state gate before serving the previous reading.</summary>
    private static readonly TimeSpan GateTimeout = TimeSpan.FromSeconds(1);

    private readonly WebApplication _app;
    private readonly SyncDaemon _daemon;
    private readonly ILogger _log;

    private AdminServer(WebApplication app, SyncDaemon daemon, ILogger log)
    {
        _app = app;
        _daemon = daemon;
        _log = log;
    }

    /// <summary>The bound URL (with the real port when 0 was asked for).</summary>
    public string Url { get; private set; } = "";

    /// <summary>Starts serving on <c>admin</c>, or returns null when the config turns it off.</summary>
    /// <exception cref="ConfigException">The address is invalid or cannot be bound.</exception>
    public static async Task<AdminServer?> StartAsync(SyncDaemon daemon, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var log = loggers.CreateLogger("kubesync.admin");
        var admin = daemon.Config.Admin;
        if (admin.Length == 0)
        {
            AdminLog.Disabled(log);
            return null;
        }

        var endPoint = await ResolveAsync(admin, cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<IHostLifetime, AdminLifetime>();
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(endPoint);
        });
        var app = builder.Build();
        var server = new AdminServer(app, daemon, log);
        app.Run(server.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw new ConfigException("admin", $"cannot listen on {admin}: {e.Message}");
        }

        server.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? $"http://{admin}";
        AdminLog.Listening(log, server.Url);
        return server;
    }

    private static async Task<IPEndPoint> ResolveAsync(string admin, CancellationToken ct)
    {
        if (!HostPort.TryParse(admin, out var host, out var port, out var error))
        {
            throw new ConfigException("admin", error);
        }

        var address = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "::" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var ip) ? ip : null,
        };
        address ??= (await Dns.GetHostAddressesAsync(host, ct).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new ConfigException("admin", $"{host} resolves to no address");
        return new IPEndPoint(address, port);
    }

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method))
        {
            context.Response.Headers.Allow = "GET, HEAD";
            await WriteAsync(context, StatusCodes.Status405MethodNotAllowed, "text/plain; charset=utf-8", "only GET and HEAD\n").ConfigureAwait(false);
            return;
        }

        var ct = context.RequestAborted;
        switch (request.Path.Value)
        {
            case "/metrics":
                await RefreshAsync("/metrics", ct).ConfigureAwait(false);
                var metrics = PrometheusTextWriter.Write(_daemon.Metrics.Collector.Collect());
                await WriteAsync(context, StatusCodes.Status200OK, PrometheusTextWriter.ContentType, metrics).ConfigureAwait(false);
                break;
            case "/healthz":
                var health = _daemon.Liveness.Check();
                var healthText = health.IsAlive ? "ok\n"
                    : health.Loops == 0 ? "starting: no loop running yet\n"
                    : "unhealthy: " + string.Join("; ", health.Problems) + "\n";
                await WriteAsync(context, health.IsAlive ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, "text/plain; charset=utf-8", healthText).ConfigureAwait(false);
                break;
            case "/readyz":
                var waiting = _daemon.Groups.Where(g => !g.IsReady).Select(g => g.Name).ToList();
                var readyText = waiting.Count == 0 ? "ready\n" : $"not ready: initial sync of {string.Join(", ", waiting)} not done\n";
                await WriteAsync(context, waiting.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable, "text/plain; charset=utf-8", readyText).ConfigureAwait(false);
                break;
            case "/status":
                await RefreshAsync("/status", ct).ConfigureAwait(false);
                var json = JsonSerializer.Serialize(DaemonStatus.Build(_daemon), CliJson.Default.StatusReport);
                await WriteAsync(context, StatusCodes.Status200OK, "application/json; charset=utf-8", json).ConfigureAwait(false);
                break;
            default:
                await WriteAsync(context, StatusCodes.Status404NotFound, "text/plain; charset=utf-8", "not found: try /metrics, /healthz, /readyz or /status\n").ConfigureAwait(false);
                break;
        }
    }

    private async Task RefreshAsync(string path, CancellationToken ct)
    {
        var stale = await _daemon.Metrics.RefreshAsync(GateTimeout, ct).ConfigureAwait(false);
        if (stale.Count > 0)
        {
            AdminLog.StaleState(_log, path, string.Join(", ", stale));
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string contentType, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        var bytes = Encoding.UTF8.GetBytes(body);
        context.Response.ContentLength = bytes.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await context.Response.Body.WriteAsync(bytes, context.RequestAborted).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }

        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
