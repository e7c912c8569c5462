using System.Net.WebSockets;
using System.Text.Json.Nodes;

using Microsoft.AspNetCore.Http;

namespace KubeSync.Testing.FakeApi;

internal sealed partial class FakeApiRouter
{
    /// <summary>pods/exec over WebSocket: negotiates v5 or v4, runs the scripted handler, ends with the Status on channel 3.</summary>
    private async Task ExecAsync(HttpContext context, FakeRequestTarget target)
    {
        if (target.Definition.Plural != "pods" || target.Name is null)
        {
            throw NotFound(context);
        }

        _ = Store.Get(target.Definition, target.Namespace, target.Name);
        if (!context.WebSockets.IsWebSocketRequest)
        {
            throw FakeApiException.BadRequest("the fake serves exec over WebSocket only (no SPDY)");
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        var protocol = _server.Options.ExecProtocols.FirstOrDefault(offered.Contains)
            ?? throw FakeApiException.BadRequest($"none of the offered subprotocols is supported: {string.Join(", ", offered)}");
        var command = context.Request.Query["command"].Select(c => c!).ToList();
        using var socket = await context.WebSockets.AcceptWebSocketAsync(protocol);
        var exec = new FakeExecContext(socket, target.Namespace!, target.Name, context.Request.Query["container"], command, protocol);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _server.Stopping);
        JsonObject status;
        try
        {
            var handler = _server.ExecHandler ?? throw new InvalidOperationException("no exec handler is set on the fake server");
            var exitCode = await handler(exec, stop.Token);
            status = exitCode == 0 ? FakeStatus.Success() : NonZeroExit(command, exitCode);
        }
        catch (OperationCanceledException)
        {
            return;
        }
#pragma warning disable CA1031 // A scripted handler's failure is reported to the client, as the real server reports runtime errors.
        catch (Exception e)
#pragma warning restore CA1031
        {
            status = FakeStatus.Failure(500, "InternalError", $"error executing command: {e.Message}");
        }

        try
        {
            await exec.WriteAsync(3, System.Text.Encoding.UTF8.GetBytes(status.ToJsonString()), stop.Token);
            if (!_server.Options.ExecClosesAfterStatus)
            {
                // Wait for the client's close (or its going away) before closing.
                var buffer = new byte[256];
                while ((await socket.ReceiveAsync(buffer, stop.Token)).MessageType != WebSocketMessageType.Close)
                {
                }
            }

            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, stop.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException)
        {
            // The client left first.
        }
    }

    private static JsonObject NonZeroExit(IReadOnlyList<string> command, int exitCode)
    {
        var status = FakeStatus.Failure(
            500,
            "NonZeroExitCode",
            $"command terminated with non-zero exit code: error executing command [{string.Join(" ", command)}], exit code {exitCode}",
            new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }) });
        status.Remove("code");
        return status;
    }
}
