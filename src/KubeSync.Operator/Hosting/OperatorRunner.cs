using KubeSync.Kubernetes.Leadership;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Reconciling;

using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Hosting;

/// <summary>
/// One operator replica: waits for the Lease, runs the controller while it leads, and returns when leadership is lost
/// (the host then exits, and the restarted process queues up as a follower).
/// </summary>
public sealed class OperatorRunner
{
    private readonly LeaderElector _elector;

    public OperatorRunner(KubeApiClient api, SyncGroupController controller, OperatorOptions options, TimeProvider timeProvider, ILoggerFactory loggers)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(options);
        Controller = controller;
        _elector = new LeaderElector(
            api.Resource(KubeResources.Leases),
            new LeaderElectionOptions(options.LeaseNamespace, options.LeaseName, options.Identity),
            timeProvider,
            loggers.CreateLogger<LeaderElector>());
    }

    public SyncGroupController Controller { get; }

    public bool IsLeader => _elector.IsLeader;

    public Task RunAsync(CancellationToken cancellationToken) => _elector.RunAsync(Controller.RunAsync, cancellationToken);
}
