using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Exec;

/// <summary>
/// Runs a command in a container over the pods/exec WebSocket, offering <c>v5.channel.k8s.io</c> then
/// <c>v4.channel.k8s.io</c>. Each binary frame starts with its channel: 1 stdout, 2 stderr, 3 the final
/// <c>Status</c> (exit code in a <c>NonZeroExitCode</c> Status's <c>ExitCode</c> cause).
/// </summary>
public sealed class PodExecClient
{
    public static readonly IReadOnlyList<string> Protocols = ["v5.channel.k8s.io", "v4.channel.k8s.io"];

    private const byte StdoutChannel = 1;
    private const byte StderrChannel = 2;
    private const byte ErrorChannel = 3;
    private const int StatusLimit = 64 * 1024;

    private readonly KubeApiClient _api;
    private readonly ILogger _logger;

    public PodExecClient(KubeApiClient api, ILogger<PodExecClient> logger)
    {
        _api = api;
        _logger = logger;
    }

    /// <summary>Runs the command; a timeout or a failure is a result, only the caller's cancellation throws.</summary>
    public async Task<ExecResult> ExecAsync(ExecRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command.Count == 0)
        {
            throw new ArgumentException("exec needs a command", nameof(request));
        }

        var ns = request.Namespace ?? _api.DefaultNamespace;
        var output = new ExecOutput(request.OutputLimit);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(request.Timeout);
        using var socket = new ClientWebSocket();
        foreach (var protocol in Protocols)
        {
            socket.Options.AddSubProtocol(protocol);
        }

        socket.Options.CollectHttpResponseDetails = true;
        ExecResult result;
        try
        {
            using var invoker = new HttpMessageInvoker(_api.Handler, disposeHandler: false);
            await socket.ConnectAsync(ExecUri(request, ns), invoker, timeout.Token);
            var status = await ReceiveAsync(socket, output, timeout.Token);
            result = Interpret(status, output) with { Protocol = socket.SubProtocol };
            await CloseQuietlyAsync(socket);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Abort();
            result = output.Result(ExecOutcome.TimedOut, null, $"no exit status within {request.Timeout.TotalSeconds:0.#} s") with { Protocol = socket.SubProtocol };
        }
        catch (WebSocketException e)
        {
            var code = socket.HttpStatusCode == 0 ? "" : $" (HTTP {(int)socket.HttpStatusCode})";
            result = output.Result(ExecOutcome.Failed, null, $"exec connection failed{code}: {e.Message}") with { Protocol = socket.SubProtocol };
        }
        catch (HttpRequestException e)
        {
            result = output.Result(ExecOutcome.Failed, null, $"exec connection failed: {e.Message}");
        }

        if (result.Outcome != ExecOutcome.Exited)
        {
            Log.Failed(_logger, ns, request.Pod, result.Message ?? "");
        }

        Log.Ended(_logger, ns, request.Pod, request.Container, result.Protocol, result.Outcome, result.ExitCode);
        return result;
    }

    private Uri ExecUri(ExecRequest request, string ns)
    {
        var parameters = new List<(string, string?)> { ("container", request.Container), ("stdout", "true"), ("stderr", "true") };
        parameters.AddRange(request.Command.Select(c => ("command", (string?)c)));
        var path = ResourcePaths.WithQuery(ResourcePaths.For(ResourceKind.Pods, ns, request.Pod, "exec"), [.. parameters]);
        var uri = new UriBuilder(_api.UriFor(path));
        uri.Scheme = uri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws";
        return uri.Uri;
    }

    /// <summary>Reads frames until the Status on channel 3 or the server's close; returns the Status bytes (empty when none came).</summary>
    private static async Task<byte[]> ReceiveAsync(ClientWebSocket socket, ExecOutput output, CancellationToken cancellationToken)
    {
        var buffer = new byte[16 * 1024];
        using var status = new MemoryStream();
        var channel = -1;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer, cancellationToken);
            if (received.MessageType == WebSocketMessageType.Close)
            {
                return status.ToArray();
            }

            var data = buffer.AsSpan(0, received.Count);
            if (channel < 0 && data.Length > 0)
            {
                channel = data[0];
                data = data[1..];
            }

            switch (channel)
            {
                case StdoutChannel:
                    output.Stdout.Append(data);
                    break;
                case StderrChannel:
                    output.Stderr.Append(data);
                    break;
                case ErrorChannel when status.Length + data.Length <= StatusLimit:
                    status.Write(data);
                    break;
            }

            if (received.EndOfMessage)
            {
                // The Status is the last thing the server sends: done, even if it is slow to close.
                if (channel == ErrorChannel && status.Length > 0)
                {
                    return status.ToArray();
                }

                channel = -1;
            }
        }
    }

    private static ExecResult Interpret(byte[] statusBytes, ExecOutput output)
    {
        if (statusBytes.Length == 0)
        {
            return output.Result(ExecOutcome.Failed, null, "the connection closed without an exit status");
        }

        Status? status;
        try
        {
            status = JsonSerializer.Deserialize(statusBytes, KubeJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            // v1-v3 framing sent plain text on this channel; with v4/v5 this is a broken answer, reported as is.
            return output.Result(ExecOutcome.Failed, null, Encoding.UTF8.GetString(statusBytes));
        }

        if (status?.Outcome == "Success")
        {
            return output.Result(ExecOutcome.Exited, 0, null);
        }

        var exitCause = status?.Details?.Causes?.FirstOrDefault(c => c.Reason == "ExitCode");
        if (status?.Reason == "NonZeroExitCode" && int.TryParse(exitCause?.Message, NumberStyles.Integer, CultureInfo.InvariantCulture, out var exitCode))
        {
            return output.Result(ExecOutcome.Exited, exitCode, status.Message);
        }

        return output.Result(ExecOutcome.Failed, null, status?.Message ?? "exec failed without a message");
    }

    private static async Task CloseQuietlyAsync(ClientWebSocket socket)
    {
        if (socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var close = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            try
            {
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, close.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException)
            {
                // The result is known; a close the server does not acknowledge changes nothing.
            }
        }
    }
}
