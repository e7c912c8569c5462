using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Peers;
using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Exec;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// The daemon's side of the actions (DESIGN 3.6): the runners every group shares, one <see cref="PendingActionStore"/>
/// per group, and an <see cref="ActionScheduler"/> per group that has actions, installed in its
/// <see cref="GroupRuntime"/>. Each finished run is counted in metrics and kept for <c>/status</c>.
/// </summary>
internal sealed class DaemonActions : IDisposable
{
    private readonly ILoggerFactory _loggers;
    private readonly TimeProvider _time;
    private readonly Metrics.KubeSyncMetrics _metrics;
    private HttpClient? _http;
    private readonly Dictionary<string, PendingActionStore> _stores = new(StringComparer.Ordinal);
    private readonly ILogger _logger;
    private KubeApiClient? _kube;
    private PodExecActionRunner? _podExec;

    public DaemonActions(ILoggerFactory loggers, TimeProvider time, Metrics.KubeSyncMetrics metrics)
    {
        _loggers = loggers;
        _time = time;
        _metrics = metrics;
        _logger = loggers.CreateLogger("kubesync.actions");
    }

    /// <summary>Raised when a scheduler's loops fault (its state database is broken): the daemon's health reflects it.</summary>
    public event Action<string, Exception>? Failed;

    /// <summary>
    /// Checks that every action of <paramref name="groups"/> has a runner here (podExec needs the in-cluster
    /// Kubernetes config and the pod's identity). Throws a <see cref="ConfigException"/> naming the action otherwise.
    /// </summary>
    public void Validate(IReadOnlyList<GroupConfig> groups)
    {
        for (var g = 0; g < groups.Count; g++)
        {
            for (var a = 0; a < groups[g].Actions.Count; a++)
            {
                var action = groups[g].Actions[a];
                if (action.PodExec is not null && _podExec is null)
                {
                    _podExec = CreatePodExec($"groups[{g}].actions[{a}].podExec", action.Name);
                }
            }
        }
    }

    /// <summary>
    /// Builds the scheduler for <paramref name="config"/>'s actions (null when it has none) and installs it in
    /// <paramref name="group"/>; the previous one is stopped. Pending runs from before a restart are resumed.
    /// </summary>
    public async Task InstallAsync(GroupRuntime group, GroupConfig config, CancellationToken cancellationToken)
    {
        ActionScheduler? scheduler = null;
        if (config.Actions.Count > 0)
        {
            if (!_stores.TryGetValue(group.Name, out var store))
            {
                store = PendingActionStore.Open(group.Group.Store);
                _stores[group.Name] = store;
            }

            scheduler = new ActionScheduler(config, Runners(config), store, _time, _loggers.CreateLogger<ActionScheduler>());
            scheduler.RunCompleted += (_, report) => _metrics.RecordActionRun(report.Group, report.Action, report.Result.Outcome.ToLabel());
            _ = scheduler.Completion.ContinueWith(
                t => Failed?.Invoke(group.Name, t.Exception!.GetBaseException()),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously,
                TaskScheduler.Default);
        }

        var previous = group.ReplaceActions(scheduler);
        if (previous is not null)
        {
            await previous.DisposeAsync().ConfigureAwait(false);
        }

        if (scheduler is not null)
        {
            var resumed = await scheduler.ResumePendingAsync(cancellationToken).ConfigureAwait(false);
            if (resumed > 0)
            {
                DaemonLog.ActionsResumed(_logger, group.Name, resumed);
            }
        }
    }

    /// <summary>
    /// Waits until no action of <paramref name="groups"/> has pending paths or a run in progress (SIGTERM: due
    /// actions run before the exit), or until <paramref name="cancellationToken"/>. Returns whether all went idle.
    /// </summary>
    public static async Task<bool> WaitIdleAsync(IEnumerable<GroupRuntime> groups, CancellationToken cancellationToken)
    {
        var list = groups.ToList();
        try
        {
            while (list.Any(g => g.Actions?.Snapshot().Any(a => a.PendingPaths > 0 || a.Running) == true))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(20), cancellationToken).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    private IEnumerable<IActionRunner> Runners(GroupConfig config)
    {
        yield return new ExecActionRunner(_time);
        yield return new SignalActionRunner();

        // Made on first use: an HttpClient loads the HTTP stack, which a member without http actions does not need.
        if (config.Actions.Any(a => a.Http is not null))
        {
            yield return new HttpActionRunner(_http ??= new HttpClient { Timeout = Timeout.InfiniteTimeSpan });
        }

        if (_podExec is not null)
        {
            yield return _podExec;
        }
    }

    private PodExecActionRunner CreatePodExec(string key, string action)
    {
        if (!InClusterConfig.IsAvailable())
        {
            throw new ConfigException(key, $"action {action} runs in another container through the Kubernetes API, which needs the in-cluster config (a pod with a service account); use exec, signal or http outside Kubernetes");
        }

        PodIdentity pod;
        try
        {
            pod = PodIdentity.FromEnvironment(Environment.GetEnvironmentVariables());
            _kube = new KubeApiClient(InClusterConfig.Load(), _time, _loggers);
        }
        catch (Exception e) when (e is InvalidOperationException or KubeConfigException or IOException or System.Security.Cryptography.CryptographicException)
        {
            throw new ConfigException(key, $"action {action}: {e.Message}");
        }

        return new PodExecActionRunner(new PodExecClient(_kube, _loggers.CreateLogger<PodExecClient>()), pod);
    }

    /// <summary>Stops every group's scheduler: a running action gets its stop timeout, waiting runs stay pending for the next start.</summary>
    public static async Task StopAsync(IEnumerable<GroupRuntime> groups)
    {
        foreach (var group in groups)
        {
            if (group.ReplaceActions(null) is { } scheduler)
            {
                await scheduler.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    public void Dispose()
    {
        foreach (var store in _stores.Values)
        {
            store.Dispose();
        }

        _stores.Clear();
        _http?.Dispose();
        _kube?.Dispose();
    }
}
