using System.Globalization;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Events;

/// <summary>
/// Writes <c>events.k8s.io/v1</c> Events about objects (SyncGroup transitions). The same event again within
/// <see cref="SeriesWindow"/> bumps the first one's <c>series</c> instead of adding another. Recording is
/// best effort: a failure is logged and reported as false, never thrown into the reconcile that records it.
/// </summary>
public sealed class EventRecorder
{
    public static readonly TimeSpan SeriesWindow = TimeSpan.FromMinutes(10);

    /// <summary>The API rejects longer notes.</summary>
    public const int NoteLimit = 1024;

    private const int CacheLimit = 4096;

    private readonly ResourceClient<KubeEvent> _events;
    private readonly string _controller;
    private readonly string _instance;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, (string Namespace, string Name, int Count, DateTimeOffset First)> _recent = [];
    private readonly Lock _lock = new();

    public EventRecorder(ResourceClient<KubeEvent> events, string reportingController, string reportingInstance, TimeProvider timeProvider, ILogger<EventRecorder> logger)
    {
        _events = events;
        _controller = reportingController;
        _instance = reportingInstance;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Records that <paramref name="action"/> happened to <paramref name="regarding"/> because of <paramref name="reason"/>.</summary>
    public async Task<bool> RecordAsync(KubeObject regarding, EventKind kind, string reason, string action, string note, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(regarding);
        ArgumentNullException.ThrowIfNull(note);
        var now = _time.GetUtcNow();
        var ns = regarding.Metadata.Namespace ?? "default";
        var key = string.Join('\u0001', regarding.Metadata.Uid, regarding.Metadata.Name, kind, reason, action, note);
        try
        {
            if (TakeSeries(key, now) is { } series)
            {
                var patch = new JsonObject
                {
                    ["series"] = new JsonObject
                    {
                        ["count"] = series.Count,
                        ["lastObservedTime"] = now.UtcDateTime.ToString(MicroTimeConverter.Format, CultureInfo.InvariantCulture),
                    },
                };
                await _events.PatchAsync(series.Namespace, series.Name, PatchType.Merge, patch, cancellationToken);
                return true;
            }

            var created = await _events.CreateAsync(NewEvent(regarding, ns, kind, reason, action, note, now), cancellationToken);
            Remember(key, ns, created.Metadata.Name!, now);
            return true;
        }
        catch (Exception e) when (e is KubeApiException or HttpRequestException or TimeoutException or IOException)
        {
            Log.RecordFailed(_logger, reason, regarding.Kind, regarding.Metadata.Namespace, regarding.Metadata.Name, e.Message);
            return false;
        }
    }

    private KubeEvent NewEvent(KubeObject regarding, string ns, EventKind kind, string reason, string action, string note, DateTimeOffset now) => new()
    {
        Metadata = new ObjectMeta
        {
            // client-go's naming: the object's name and the time in hex nanoseconds, unique enough per object.
            Name = $"{regarding.Metadata.Name}.{(now.ToUnixTimeMilliseconds() * 1_000_000) + Random.Shared.Next(1_000_000):x}",
            Namespace = ns,
        },
        EventTime = now,
        ReportingController = _controller,
        ReportingInstance = _instance,
        Action = action,
        Reason = reason,
        Regarding = ObjectReference.To(regarding),
        Note = note.Length > NoteLimit ? note[..NoteLimit] : note,
        Type = kind.ToString(),
    };

    private (string Namespace, string Name, int Count)? TakeSeries(string key, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!_recent.TryGetValue(key, out var seen) || now - seen.First > SeriesWindow)
            {
                return null;
            }

            _recent[key] = seen with { Count = seen.Count + 1 };
            return (seen.Namespace, seen.Name, seen.Count + 1);
        }
    }

    private void Remember(string key, string ns, string name, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (_recent.Count >= CacheLimit)
            {
                _recent.Clear();
            }

            _recent[key] = (ns, name, 1, now);
        }
    }
}
