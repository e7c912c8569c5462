using System.Net;
using System.Net.Sockets;
using System.Text.Json;

using KubeSync.Engine.Configuration;
using KubeSync.Sidecar.Cli;

namespace KubeSync.Sidecar.Admin;

/// <summary>Asks a running daemon's admin endpoint, for the CLI verbs that prefer live answers (<c>kubesync status</c>).</summary>
internal static class AdminClient
{
    /// <summary>Where a local client reaches the <c>admin</c> address (a wildcard host means loopback), or null when off or unknowable.</summary>
    public static Uri? BaseUri(string admin)
    {
        if (admin.Length == 0 || !HostPort.TryParse(admin, out var host, out var port, out _) || port == 0)
        {
            return null;
        }

        host = host switch
        {
            "*" or "0.0.0.0" => "127.0.0.1",
            "::" => "::1",
            _ => host,
        };
        return new Uri($"http://{(host.Contains(':') ? $"[{host}]" : host)}:{port}/");
    }

    /// <summary>The daemon's <c>/status</c>, or null when nothing answers there in time or the answer is not a status.</summary>
    public static async Task<StatusReport?> TryGetStatusAsync(Uri baseUri, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseProxy = false, ConnectTimeout = timeout };
        using var http = new HttpClient(handler) { Timeout = timeout };
        try
        {
            using var response = await http.GetAsync(new Uri(baseUri, "status"), cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return null;
            }

            var json = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            return JsonSerializer.Deserialize(json, CliJson.Default.StatusReport) is { Source: DaemonStatus.Source } report ? report : null;
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or JsonException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }
}
