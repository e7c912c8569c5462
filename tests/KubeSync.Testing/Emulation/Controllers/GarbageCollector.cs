using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The garbage collector, for the workload chain: a ReplicaSet or pod whose controller (Deployment, ReplicaSet,
/// StatefulSet, DaemonSet) no longer exists, by uid, is deleted (background propagation). Owners of other kinds are
/// not looked at.
/// </summary>
internal sealed class GarbageCollector(ControllerContext context)
{
    private static readonly HashSet<string> Kinds = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"];

    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        var owners = snapshot.Deployments.Cast<KubeObject>().Concat(snapshot.ReplicaSets).Concat(snapshot.StatefulSets).Concat(snapshot.DaemonSets)
            .Select(o => o.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        bool Orphaned(KubeObject obj) => Owners.Controller(obj) is { } owner && Kinds.Contains(owner.Kind ?? "") && !owners.Contains(owner.Uid);

        foreach (var rs in snapshot.ReplicaSets.Where(Orphaned))
        {
            if (await context.Api.Resource(EmulatedResources.ReplicaSets).DeleteAsync(rs.Metadata.Namespace, rs.Metadata.Name!, new DeleteOptions { PreconditionUid = rs.Metadata.Uid }, cancellationToken))
            {
                context.Journal.Write($"garbage collector: deleted replicaset {rs.Metadata.Namespace}/{rs.Metadata.Name} (owner gone)");
            }
        }

        foreach (var pod in snapshot.Pods.Where(p => Orphaned(p) && !PodFacts.IsTerminating(p)))
        {
            await context.DeletePodAsync(pod, "garbage collector", "owner gone", cancellationToken);
        }
    }
}
