using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Hosting;
using KubeSync.Operator.Reconciling;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Operator.Tests.Hosting;

/// <summary>Two replicas: one leads and reconciles from its watches; when it stops, the other takes the Lease and carries on.</summary>
public sealed class LeaderHandoffTests
{
    [Fact]
    public async Task Handoff_SecondReplicaTakesOverAndReconcilesChanges()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        using var clientA = new KubeApiClient(OperatorCluster.ConfigFor(cluster.Server));
        using var clientB = new KubeApiClient(OperatorCluster.ConfigFor(cluster.Server));
        var a = Runner(cluster, clientA, "replica-a");
        var b = Runner(cluster, clientB, "replica-b");
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var runA = a.RunAsync(stopA.Token);
        await Eventually.TrueAsync(() => a.IsLeader, "replica-a leads");
        var runB = b.RunAsync(stopB.Token);

        await Eventually.TrueAsync(async () => (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None)).Status?.ObservedGeneration == 1, () => "replica-a reconciled the SyncGroup");
        Assert.False(b.IsLeader);
        Assert.Equal(("replica-a", "leading"), (await HolderAsync(cluster), OperatorHealth.Ready(a).Reason));
        Assert.Equal("following", OperatorHealth.Ready(b).Reason);

        await stopA.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runA).WithTimeout("replica-a stops");
        await Eventually.TrueAsync(() => b.IsLeader, "replica-b takes over", TimeSpan.FromSeconds(20));
        Assert.Equal("replica-b", await HolderAsync(cluster));

        var group = await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None);
        group.Spec!.Exclude = ["*.swp"];
        await cluster.Groups.ReplaceAsync(group, CancellationToken.None).WithTimeout("edit");
        await Eventually.TrueAsync(
            async () => (await cluster.Client.Resource(KubeResources.ConfigMaps).GetAsync(OperatorCluster.Namespace, "web-conf-kubesync", CancellationToken.None)).Data!["kubesync.yaml"].Contains("*.swp", StringComparison.Ordinal),
            () => "replica-b rendered the edited spec");
        Assert.Contains("kubesync_operator_leader 1", OperatorMetrics.Render(b, cluster.Reconciler), StringComparison.Ordinal);

        await stopB.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runB).WithTimeout("replica-b stops");
    }

    private static OperatorRunner Runner(OperatorCluster cluster, KubeApiClient client, string identity)
    {
        var options = new OperatorOptions
        {
            Reconciler = new ReconcilerOptions { SidecarImage = "kubesync:test" },
            Controller = new ControllerOptions { Namespace = OperatorCluster.Namespace, MinBackoff = TimeSpan.FromMilliseconds(50) },
            LeaseNamespace = OperatorCluster.Namespace,
            Identity = identity,
        };
        var controller = new SyncGroupController(client, cluster.NewReconciler(client), options.Controller, TimeProvider.System, NullLoggerFactory.Instance);
        return new OperatorRunner(client, controller, options, TimeProvider.System, NullLoggerFactory.Instance);
    }

    private static async Task<string?> HolderAsync(OperatorCluster cluster) =>
        (await cluster.Client.Resource(KubeResources.Leases).GetAsync(OperatorCluster.Namespace, "kubesync-operator", CancellationToken.None)).Spec?.HolderIdentity;
}
