using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Watching;

namespace KubeSync.Kubernetes.Rest;

public sealed partial class ResourceClient<T>
{
    /// <summary>
    /// Streams watch events until the server ends the stream (the enumeration completes), an HTTP error
    /// (<see cref="KubeGoneException"/> for 410), a transport error, or <see cref="WatchOptions.IdleTimeout"/>
    /// without a line (<see cref="TimeoutException"/>). ERROR events are yielded as events; the stream ends after one.
    /// </summary>
    public async IAsyncEnumerable<WatchEvent<T>> WatchAsync(string? ns, WatchOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var path = ResourcePaths.WithQuery(
            ResourcePaths.For(Kind, Kind.Namespaced ? ns : null),
            ("watch", "true"),
            ("resourceVersion", options.ResourceVersion),
            ("allowWatchBookmarks", options.AllowBookmarks ? "true" : null),
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector),
            ("timeoutSeconds", options.ServerTimeout is { } timeout ? ((int)Math.Max(1, timeout.TotalSeconds)).ToString(CultureInfo.InvariantCulture) : null));
        using var request = new HttpRequestMessage(HttpMethod.Get, _api.UriFor(path));
        using var response = await _api.SendAsync(request, streaming: true, cancellationToken);
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        var reader = new WatchLineReader(body);
        while (true)
        {
            var line = await ReadLineAsync(reader, options.IdleTimeout, cancellationToken);
            if (line is not { } bytes)
            {
                yield break;
            }

            if (bytes.IsEmpty)
            {
                continue;
            }

            var watchEvent = Decode(bytes.Span);
            yield return watchEvent;
            if (watchEvent.Type == WatchEventType.Error)
            {
                yield break;
            }
        }
    }

    private static async Task<ReadOnlyMemory<byte>?> ReadLineAsync(WatchLineReader reader, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        using var idle = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        idle.CancelAfter(idleTimeout);
        try
        {
            return await reader.ReadLineAsync(idle.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"watch: nothing received for {idleTimeout.TotalSeconds:0.#} s", e);
        }
    }

    private WatchEvent<T> Decode(ReadOnlySpan<byte> line)
    {
        var envelope = JsonSerializer.Deserialize(line, KubeJsonContext.Default.WatchEventEnvelope)
            ?? throw new JsonException("watch: empty event");
        var type = envelope.Type switch
        {
            "ADDED" => WatchEventType.Added,
            "MODIFIED" => WatchEventType.Modified,
            "DELETED" => WatchEventType.Deleted,
            "BOOKMARK" => WatchEventType.Bookmark,
            "ERROR" => WatchEventType.Error,
            _ => throw new JsonException($"watch: unknown event type '{envelope.Type}'"),
        };
        return type == WatchEventType.Error
            ? new WatchEvent<T>(type, null, envelope.Body.Deserialize(KubeJsonContext.Default.Status))
            : new WatchEvent<T>(type, envelope.Body.Deserialize(Type.TypeInfo));
    }
}
