using System.Collections.Concurrent;
using System.Net;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Watching;

/// <summary>
/// Mirrors a resource: lists, then watches from the list's resourceVersion with bookmarks. A clean end of
/// the stream re-watches from the last version; 410 (as an HTTP status or an ERROR event) relists and
/// reports objects that vanished meanwhile as deletions; transport errors and silent connections back off
/// with jitter and re-watch. <see cref="SinceLastEvent"/> lets a health check see a stuck watch.
/// The handler runs on the reflector's loop, one event at a time; an exception from it that the loop
/// retries (API, transport) re-delivers the event after the re-watch, any other stops <see cref="RunAsync"/>.
/// </summary>
public sealed class Reflector<T>
    where T : KubeObject
{
    private readonly ResourceClient<T> _client;
    private readonly ReflectorOptions _options;
    private readonly Func<WatchEvent<T>, CancellationToken, ValueTask> _onChange;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, T> _items = new(StringComparer.Ordinal);
    private long _lastEventTicks;
    private string? _resourceVersion;
    private volatile bool _synced;
    private readonly TaskCompletionSource _syncedOnce = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Reflector(
        ResourceClient<T> client,
        ReflectorOptions options,
        Func<WatchEvent<T>, CancellationToken, ValueTask> onChange,
        TimeProvider timeProvider,
        ILogger<Reflector<T>> logger)
    {
        _client = client;
        _options = options;
        _onChange = onChange;
        _time = timeProvider;
        _logger = logger;
        Touch();
    }

    /// <summary>True once the first list has been stored.</summary>
    public bool HasSynced => _synced;

    /// <summary>Completes when the first list has been stored (an operator starts reconciling after it).</summary>
    public Task Synced => _syncedOnce.Task;

    /// <summary>The version the next watch starts from.</summary>
    public string? ResourceVersion => Volatile.Read(ref _resourceVersion);

    /// <summary>Time since the last list, event or bookmark.</summary>
    public TimeSpan SinceLastEvent => _time.GetUtcNow() - new DateTimeOffset(Interlocked.Read(ref _lastEventTicks), TimeSpan.Zero);

    /// <summary>A snapshot of the mirrored objects.</summary>
    public IReadOnlyCollection<T> Items => [.. _items.Values];

    public T? Find(string? ns, string name) => _items.GetValueOrDefault(Key(ns, name));

    /// <summary>Runs until cancelled; only errors that retrying cannot fix escape.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var failures = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (ResourceVersion is null)
                {
                    await RelistAsync(cancellationToken);
                }

                if (await WatchAsync(cancellationToken))
                {
                    failures = 0;
                }
                else
                {
                    // A stream that ends at once with nothing in it would otherwise be reopened in a hot loop.
                    failures++;
                    await Task.Delay(Backoff(failures), _time, cancellationToken);
                }
            }
            catch (KubeGoneException e)
            {
                Log.Expired(_logger, _client.Type.Kind.Plural, e.Message);
                Volatile.Write(ref _resourceVersion, null);
            }
            catch (Exception e) when (IsRetryable(e) && !cancellationToken.IsCancellationRequested)
            {
                failures++;
                var delay = Backoff(failures);
                Log.WatchFailed(_logger, _client.Type.Kind.Plural, failures, delay, e.Message);
                await Task.Delay(delay, _time, cancellationToken);
            }
        }
    }

    private async Task RelistAsync(CancellationToken cancellationToken)
    {
        var list = await _client.ListAllAsync(
            _options.Namespace,
            new ListOptions { LabelSelector = _options.LabelSelector, Limit = _options.PageSize },
            cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var item in list.Items)
        {
            var key = Key(item);
            seen.Add(key);
            var known = _items.GetValueOrDefault(key);

            // The store changes only after the handler ran: if it fails, the next relist reports the change again.
            if (known is null)
            {
                await _onChange(new WatchEvent<T>(WatchEventType.Added, item), cancellationToken);
            }
            else if (known.Metadata.ResourceVersion != item.Metadata.ResourceVersion)
            {
                await _onChange(new WatchEvent<T>(WatchEventType.Modified, item), cancellationToken);
            }

            _items[key] = item;
        }

        foreach (var (key, vanished) in _items.Where(kv => !seen.Contains(kv.Key)).ToList())
        {
            await _onChange(new WatchEvent<T>(WatchEventType.Deleted, vanished), cancellationToken);
            _items.TryRemove(key, out _);
        }

        Volatile.Write(ref _resourceVersion, list.Metadata.ResourceVersion);
        _synced = true;
        _syncedOnce.TrySetResult();
        Touch();
        Log.Listed(_logger, _client.Type.Kind.Plural, list.Items.Count, list.Metadata.ResourceVersion);
    }

    /// <summary>Watches until the stream ends; false when it ended at once without sending anything.</summary>
    private async Task<bool> WatchAsync(CancellationToken cancellationToken)
    {
        var opened = _time.GetUtcNow();
        var received = false;
        var options = new WatchOptions
        {
            ResourceVersion = ResourceVersion,
            AllowBookmarks = true,
            LabelSelector = _options.LabelSelector,
            IdleTimeout = _options.IdleTimeout,
            ServerTimeout = _options.WatchTimeout * (1 + Random.Shared.NextDouble()),
        };
        await foreach (var change in _client.WatchAsync(_options.Namespace, options, cancellationToken))
        {
            Touch();
            received = true;
            switch (change.Type)
            {
                case WatchEventType.Error:
                    throw KubeApiException.Create((HttpStatusCode)(change.Error?.Code ?? 500), change.Error, $"watch {_client.Type.Kind.Plural}: ERROR event");
                case WatchEventType.Bookmark:
                    Volatile.Write(ref _resourceVersion, change.Item?.Metadata.ResourceVersion ?? ResourceVersion);
                    continue;
                case WatchEventType.Deleted:
                    _items.TryRemove(Key(change.Item!), out _);
                    break;
                default:
                    _items[Key(change.Item!)] = change.Item!;
                    break;
            }

            // The version moves only after the handler ran: a handler that fails gets the event again after the re-watch.
            await _onChange(change, cancellationToken);
            Volatile.Write(ref _resourceVersion, change.Item!.Metadata.ResourceVersion);
        }

        Log.WatchEnded(_logger, _client.Type.Kind.Plural, ResourceVersion);
        return received || _time.GetUtcNow() - opened >= _options.MinBackoff;
    }

    /// <summary>Exponential from <see cref="ReflectorOptions.MinBackoff"/> to the max, with ±25% jitter.</summary>
    private TimeSpan Backoff(int failures)
    {
        var exponential = _options.MinBackoff.TotalMilliseconds * Math.Pow(2, Math.Min(failures - 1, 16));
        var capped = Math.Min(exponential, _options.MaxBackoff.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped * (0.75 + (Random.Shared.NextDouble() * 0.5)));
    }

    private static bool IsRetryable(Exception e) =>
        e is HttpRequestException or IOException or TimeoutException or KubeApiException or System.Text.Json.JsonException;

    private void Touch() => Interlocked.Exchange(ref _lastEventTicks, _time.GetUtcNow().UtcTicks);

    private static string Key(T item) => Key(item.Metadata.Namespace, item.Metadata.Name!);

    private static string Key(string? ns, string name) => $"{ns}/{name}";
}
