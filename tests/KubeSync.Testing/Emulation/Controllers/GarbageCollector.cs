using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The garbage collector (background propagation), for the owners the emulator lists: a ReplicaSet or pod whose
/// controller (Deployment, ReplicaSet, StatefulSet, DaemonSet) no longer exists, by uid, is deleted; so is a ConfigMap,
/// Secret, Service, ServiceAccount, Role or RoleBinding none of whose owners exists any more, when every owner is of a
/// kind listed here (a SyncGroup's credentials, config, peer Service and RBAC once the SyncGroup is gone). An object
/// with an owner of another kind is left alone.
/// </summary>
internal sealed class GarbageCollector(ControllerContext context)
{
    private static readonly HashSet<string> Kinds = ["Deployment", "ReplicaSet", "StatefulSet", "DaemonSet"];

    /// <summary>Owner kinds whose objects the emulator lists, so an owner's absence is known.</summary>
    private static readonly HashSet<string> OwnerKinds = [.. Kinds, "SyncGroup"];

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

        owners.UnionWith(snapshot.SyncGroups.Select(g => g.Metadata.Uid));
        bool Abandoned(KubeObject obj) => obj.Metadata.OwnerReferences is { Count: > 0 } refs
            && refs.All(r => OwnerKinds.Contains(r.Kind ?? "") && !owners.Contains(r.Uid));

        IEnumerable<(ResourceKind Kind, KubeObject Item)> owned =
        [
            .. snapshot.ConfigMaps.Select(c => (ResourceKind.ConfigMaps, (KubeObject)c)),
            .. snapshot.Secrets.Select(c => (ResourceKind.Secrets, (KubeObject)c)),
            .. snapshot.Services.Select(c => (ResourceKind.Services, (KubeObject)c)),
            .. snapshot.ServiceAccountsAndRbac,
        ];
        foreach (var (kind, obj) in owned.Where(o => o.Item.Metadata.DeletionTimestamp is null && Abandoned(o.Item)))
        {
            if (await context.Api.Resource(KubeResources.Generic(kind)).DeleteAsync(obj.Metadata.Namespace, obj.Metadata.Name!, new DeleteOptions { PreconditionUid = obj.Metadata.Uid }, cancellationToken))
            {
                context.Journal.Write($"garbage collector: deleted {kind.Kind} {obj.Metadata.Namespace}/{obj.Metadata.Name} (owners gone)");
            }
        }
    }
}
