using System.Globalization;
using System.Net.Sockets;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// A startup, readiness or liveness probe: <c>httpGet</c> (path, port by number or name, host, scheme, headers;
/// 200-399 passes), <c>tcpSocket</c> (a connection) or <c>exec</c> (exit 0, in the container's namespaces), against
/// the pod IP, with Kubernetes' timing fields and defaults (period 10 s, timeout 1 s, success 1, failure 3).
/// </summary>
internal sealed class Probe
{
    private static readonly HttpClient Http = CreateClient();

    private readonly JsonObject _spec;
    private readonly Container _container;

    private Probe(JsonObject spec, Container container, TimeSpan? maxPeriod)
    {
        _spec = spec;
        _container = container;
        InitialDelay = Seconds("initialDelaySeconds", 0);
        Period = Seconds("periodSeconds", 10);
        if (maxPeriod is { } cap && Period > cap)
        {
            Period = cap;
        }

        Timeout = Seconds("timeoutSeconds", 1);
        SuccessThreshold = (int)Seconds("successThreshold", 1).TotalSeconds;
        FailureThreshold = (int)Seconds("failureThreshold", 3).TotalSeconds;
    }

    public TimeSpan InitialDelay { get; }

    public TimeSpan Period { get; }

    public TimeSpan Timeout { get; }

    public int SuccessThreshold { get; }

    public int FailureThreshold { get; }

    public static Probe? For(JsonObject? spec, Container container, TimeSpan? maxPeriod) => spec is null ? null : new Probe(spec, container, maxPeriod);

    /// <summary>One attempt; null when it passed, else why it failed.</summary>
    public async Task<string?> CheckAsync(string podIP, Func<IReadOnlyList<string>, CancellationToken, Task<int>> exec, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            if (_spec["httpGet"] is JsonObject http)
            {
                return await HttpAsync(http, podIP, timeout.Token);
            }

            if (_spec["tcpSocket"] is JsonObject tcp)
            {
                using var client = new TcpClient();
                await client.ConnectAsync(tcp["host"]?.GetValue<string>() ?? podIP, Port(tcp["port"]), timeout.Token);
                return null;
            }

            if (_spec["exec"]?["command"] is JsonArray command)
            {
                var code = await exec([.. command.Select(c => c!.GetValue<string>())], timeout.Token);
                return code == 0 ? null : $"exec exited {code}";
            }

            return $"probe kind not emulated: {_spec.ToJsonString()}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"timed out after {Timeout.TotalSeconds:0.###} s";
        }
        catch (Exception e) when (e is HttpRequestException or SocketException or IOException)
        {
            return e.Message;
        }
    }

    private async Task<string?> HttpAsync(JsonObject http, string podIP, CancellationToken cancellationToken)
    {
        var scheme = (http["scheme"]?.GetValue<string>() ?? "HTTP").ToLowerInvariant();
        var host = http["host"]?.GetValue<string>() ?? podIP;
        var path = http["path"]?.GetValue<string>() ?? "/";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{scheme}://{host}:{Port(http["port"])}{(path.StartsWith('/') ? path : "/" + path)}"));
        request.Headers.UserAgent.ParseAdd("kube-probe/1.33");
        foreach (var header in (http["httpHeaders"] as JsonArray ?? []).OfType<JsonObject>())
        {
            request.Headers.TryAddWithoutValidation(header["name"]!.GetValue<string>(), header["value"]?.GetValue<string>());
        }

        using var response = await Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        var code = (int)response.StatusCode;
        return code is >= 200 and < 400 ? null : $"HTTP probe failed with statuscode: {code}";
    }

    /// <summary>A port number, or the name of one of the container's ports.</summary>
    private int Port(JsonNode? port)
    {
        if (port is JsonValue value && value.TryGetValue<int>(out var number))
        {
            return number;
        }

        var name = port?.GetValue<string>();
        var named = (_container.Ports ?? []).OfType<JsonObject>().FirstOrDefault(p => p["name"]?.GetValue<string>() == name);
        return named?["containerPort"]?.GetValue<int>() ?? (int.TryParse(name, CultureInfo.InvariantCulture, out var parsed) ? parsed : throw new InvalidOperationException($"container {_container.Name}: probe port {name} names no port"));
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler { UseProxy = false };

        // The kubelet's HTTPS probes do not verify the pod's certificate either (InsecureSkipVerify).
#pragma warning disable CA5359
        handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        return new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
    }

    private TimeSpan Seconds(string field, int fallback) => TimeSpan.FromSeconds(_spec[field]?.GetValue<int>() ?? fallback);
}
