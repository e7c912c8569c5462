using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Kubernetes.Watching;
using KubeSync.Operator.Queueing;

using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Reconciling;

/// <summary>
/// While leading: reflectors on SyncGroups, on the workloads the operator patches, on the objects it owns (by the
/// managed-by label) and on pods feed keys into one <see cref="WorkBacklog"/>; workers reconcile one key at a time per
/// SyncGroup, requeue as the reconciler asks, and back off with jitter when a reconcile throws.
/// </summary>
public sealed class SyncGroupController
{
    private readonly KubeApiClient _api;
    private readonly SyncGroupReconciler _reconciler;
    private readonly ControllerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly List<Func<TimeSpan>> _ages = [];
    private Reflector<SyncGroup>? _groups;

    public SyncGroupController(KubeApiClient api, SyncGroupReconciler reconciler, ControllerOptions options, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        _api = api;
        _reconciler = reconciler;
        _options = options;
        _time = timeProvider;
        _loggers = loggers;
        _logger = loggers.CreateLogger<SyncGroupController>();
        Backlog = new WorkBacklog(timeProvider);
        Backoff = new RetryBackoff(options.MinBackoff, options.MaxBackoff);
    }

    public WorkBacklog Backlog { get; }

    public RetryBackoff Backoff { get; }

    /// <summary>Reconciles finished, by outcome (succeeded, failed).</summary>
    public ReconcileCounters Counters { get; } = new();

    /// <summary>True once every reflector has listed once.</summary>
    public bool Synced { get; private set; }

    /// <summary>The longest time any reflector has gone without a list, event or bookmark.</summary>
    public TimeSpan OldestWatch => _ages.Count == 0 ? TimeSpan.Zero : _ages.Max(a => a());

    /// <summary>The SyncGroups as last seen.</summary>
    public IReadOnlyCollection<SyncGroup> Groups => _groups?.Items ?? [];

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var scope = new ReflectorOptions { Namespace = _options.Namespace };
        _groups = Reflect(SyncGroupResources.SyncGroups, scope, (e, _) => Enqueue(e.Item));
        var managed = scope with { LabelSelector = $"{SyncGroupLabels.ManagedBy}={SyncGroupLabels.ManagedByValue}" };
        var reflectors = new List<Func<CancellationToken, Task>>
        {
            _groups.RunAsync,
            Reflect(KubeResources.Deployments, scope, (e, _) => OnWorkload(WorkloadKind.Deployment, e.Item)).RunAsync,
            Reflect(KubeResources.StatefulSets, scope, (e, _) => OnWorkload(WorkloadKind.StatefulSet, e.Item)).RunAsync,
            Reflect(KubeResources.DaemonSets, scope, (e, _) => OnWorkload(WorkloadKind.DaemonSet, e.Item)).RunAsync,
            Reflect(KubeResources.Secrets, managed, (e, _) => OnOwned(e.Item)).RunAsync,
            Reflect(KubeResources.ConfigMaps, managed, (e, _) => OnOwned(e.Item)).RunAsync,
            Reflect(KubeResources.Services, managed, (e, _) => OnOwned(e.Item)).RunAsync,
            Reflect(KubeResources.Pods, scope, (e, _) => OnOwned(e.Item)).RunAsync,
        };
        OperatorLog.Leading(_logger, _options.Namespace is { } ns ? $" in namespace {ns}" : " in all namespaces");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tasks = reflectors.Select(r => r(stop.Token)).ToList();
        tasks.AddRange(Enumerable.Range(0, _options.Workers).Select(_ => WorkAsync(stop.Token)));
        try
        {
            // Every loop runs until cancelled; one that ends otherwise has failed, and takes the others down with it.
            var first = await Task.WhenAny(tasks).ConfigureAwait(false);
            await first.ConfigureAwait(false);
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(tasks.Select(t => t.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default))).ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        await _groups!.Synced.WaitAsync(cancellationToken).ConfigureAwait(false);
        Synced = true;
        while (true)
        {
            var key = await Backlog.TakeAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var parts = key.Split('/', 2);
                var result = await _reconciler.ReconcileAsync(parts[0], parts[1], cancellationToken).ConfigureAwait(false);
                Backoff.Forget(key);
                Counters.Succeeded();
                if (result.RequeueAfter is { } after)
                {
                    Backlog.AddAfter(key, after);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                var delay = Backoff.Next(key);
                Counters.Failed();
                OperatorLog.ReconcileFailed(_logger, e, key, Backoff.Failures(key), delay);
                Backlog.AddAfter(key, delay);
            }
            finally
            {
                Backlog.Done(key);
            }
        }
    }

    private Reflector<T> Reflect<T>(ResourceType<T> type, ReflectorOptions options, Func<WatchEvent<T>, CancellationToken, ValueTask> onChange)
        where T : KubeObject
    {
        var reflector = new Reflector<T>(_api.Resource(type), options, onChange, _time, _loggers.CreateLogger<Reflector<T>>());
        _ages.Add(() => reflector.SinceLastEvent);
        return reflector;
    }

    private ValueTask Enqueue(KubeObject? obj)
    {
        if (obj?.Metadata is { Namespace: { } ns, Name: { } name })
        {
            Backlog.Add($"{ns}/{name}");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>An owned object or member pod changed: its group's key, from the group label.</summary>
    private ValueTask OnOwned(KubeObject? obj)
    {
        if (obj?.Metadata is { Namespace: { } ns, Labels: { } labels } && labels.TryGetValue(SyncGroupLabels.Group, out var group))
        {
            Backlog.Add($"{ns}/{group}");
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A workload changed: the group whose sidecar it carries, and every group that names or selects it.</summary>
    private ValueTask OnWorkload(WorkloadKind kind, KubeObject? obj)
    {
        if (obj?.Metadata is not { Namespace: { } ns, Name: { } name } meta)
        {
            return ValueTask.CompletedTask;
        }

        if (meta.Annotations?.GetValueOrDefault(SyncGroupLabels.SyncGroupAnnotation) is { } carried)
        {
            Backlog.Add($"{ns}/{carried}");
        }

        foreach (var group in Groups.Where(g => g.Metadata.Namespace == ns && Selects(g.Spec, kind, name, meta.Labels)))
        {
            Backlog.Add($"{ns}/{group.Metadata.Name}");
        }

        return ValueTask.CompletedTask;
    }

    private static bool Selects(SyncGroupSpec? spec, WorkloadKind kind, string name, Dictionary<string, string>? labels) =>
        spec?.WorkloadRef is { } reference ? reference.Kind == kind && reference.Name == name
        : spec?.Selector is { } selector && labels is not null && selector.MatchLabels.All(l => labels.GetValueOrDefault(l.Key) == l.Value);
}
