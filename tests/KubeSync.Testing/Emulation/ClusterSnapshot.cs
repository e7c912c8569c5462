using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation;

/// <summary>
/// Everything the controllers and the kubelet look at, listed fresh for one pass. Listing (instead of reading a watch
/// cache) means a pass always sees its own earlier writes, so a controller never creates the same pod twice.
/// </summary>
internal sealed record ClusterSnapshot(
    IReadOnlyList<Deployment> Deployments,
    IReadOnlyList<ReplicaSet> ReplicaSets,
    IReadOnlyList<StatefulSet> StatefulSets,
    IReadOnlyList<DaemonSet> DaemonSets,
    IReadOnlyList<Pod> Pods,
    IReadOnlyList<Service> Services,
    IReadOnlyList<ConfigMap> ConfigMaps,
    IReadOnlyList<Secret> Secrets,
    IReadOnlyList<KubeObject> SyncGroups,
    IReadOnlyList<(ResourceKind Kind, KubeObject Item)> ServiceAccountsAndRbac)
{
    public static async Task<ClusterSnapshot> ListAsync(KubeApiClient api, string? ns, CancellationToken cancellationToken)
    {
        // Pods first: an object listed later is at least as new as the pods, so a controller never sees a workload
        // older than the pods it made for it.
        var pods = await ListAsync(api, KubeResources.Pods, ns, cancellationToken);
        return new ClusterSnapshot(
            await ListAsync(api, KubeResources.Deployments, ns, cancellationToken),
            await ListAsync(api, EmulatedResources.ReplicaSets, ns, cancellationToken),
            await ListAsync(api, KubeResources.StatefulSets, ns, cancellationToken),
            await ListAsync(api, KubeResources.DaemonSets, ns, cancellationToken),
            pods,
            await ListAsync(api, KubeResources.Services, ns, cancellationToken),
            await ListAsync(api, KubeResources.ConfigMaps, ns, cancellationToken),
            await ListAsync(api, KubeResources.Secrets, ns, cancellationToken),
            await ListAsync(api, KubeResources.SyncGroups, ns, cancellationToken),
            [
                .. await ListKindAsync(api, ResourceKind.ServiceAccounts, ns, cancellationToken),
                .. await ListKindAsync(api, ResourceKind.Roles, ns, cancellationToken),
                .. await ListKindAsync(api, ResourceKind.RoleBindings, ns, cancellationToken),
            ]);
    }

    public ConfigMap? ConfigMap(string ns, string name) => ConfigMaps.FirstOrDefault(c => c.Metadata.Namespace == ns && c.Metadata.Name == name);

    public Secret? Secret(string ns, string name) => Secrets.FirstOrDefault(c => c.Metadata.Namespace == ns && c.Metadata.Name == name);

    /// <summary>Pods whose controller is <paramref name="owner"/>.</summary>
    public IEnumerable<Pod> PodsOwnedBy(KubeObject owner) => Pods.Where(p => Owners.IsControlledBy(p, owner));

    /// <summary>The objects of <paramref name="kind"/>, each with its kind (the items of a list do not name theirs).</summary>
    private static async Task<IEnumerable<(ResourceKind Kind, KubeObject Item)>> ListKindAsync(KubeApiClient api, ResourceKind kind, string? ns, CancellationToken cancellationToken) =>
        (await ListAsync(api, KubeResources.Generic(kind), ns, cancellationToken)).Select(item => (kind, item));

    private static async Task<IReadOnlyList<T>> ListAsync<T>(KubeApiClient api, ResourceType<T> type, string? ns, CancellationToken cancellationToken)
        where T : KubeObject =>
        (await api.Resource(type).ListAllAsync(ns, null, cancellationToken)).Items;
}
