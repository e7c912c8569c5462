using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Runs an <c>http</c> action: a request to the app with the JSON body <c>{"group": ..., "paths": [...]}</c> (no body
/// for GET and HEAD). A 2xx status is success; the response body (capped) is the run's output.
/// </summary>
public sealed class HttpActionRunner : IActionRunner
{
    /// <summary>Most response body kept per run.</summary>
    public const int OutputLimit = 16 * 1024;

    private readonly HttpClient _client;

    /// <param name="client">Shared; its own timeout should be infinite, since each action has its own.</param>
    public HttpActionRunner(HttpClient client)
    {
        _client = client;
    }

    public bool CanRun(ActionConfig action) => action.Http is not null;

    public async Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var http = invocation.Action.Http ?? throw new ArgumentException($"action {invocation.Action.Name} is not an http action", nameof(invocation));
        var started = Stopwatch.GetTimestamp();
        using var request = new HttpRequestMessage(new HttpMethod(http.Method), http.Url);
        if (http.Method is not ("GET" or "HEAD"))
        {
            request.Content = new ByteArrayContent(Body(invocation));
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(invocation.Action.Timeout);
        try
        {
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadCappedAsync(response, timeout.Token);
            var status = (int)response.StatusCode;
            return response.IsSuccessStatusCode
                ? new ActionRunResult(ActionRunOutcome.Succeeded, status, body, Stopwatch.GetElapsedTime(started), null)
                : new ActionRunResult(ActionRunOutcome.Failed, status, body, Stopwatch.GetElapsedTime(started), $"{http.Method} {http.Url} answered {status} {response.ReasonPhrase}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ActionRunResult(ActionRunOutcome.TimedOut, null, "", Stopwatch.GetElapsedTime(started), $"{http.Method} {http.Url}: no answer after {invocation.Action.Timeout.TotalSeconds:0.#} s");
        }
        catch (HttpRequestException e)
        {
            return new ActionRunResult(ActionRunOutcome.Failed, null, "", Stopwatch.GetElapsedTime(started), $"{http.Method} {http.Url}: {e.Message}");
        }
    }

    private static byte[] Body(ActionInvocation invocation)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("group", invocation.Group);
            json.WriteString("action", invocation.Action.Name);
            json.WriteStartArray("paths");
            foreach (var path in invocation.Paths)
            {
                json.WriteStringValue(path.Value);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static async Task<string> ReadCappedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[OutputLimit];
        var filled = 0;
        int read;
        while (filled < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
        {
            filled += read;
        }

        return System.Text.Encoding.UTF8.GetString(buffer, 0, filled);
    }
}
