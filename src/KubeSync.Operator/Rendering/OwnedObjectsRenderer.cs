using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;

namespace KubeSync.Operator.Rendering;

/// <summary>
/// The objects a SyncGroup owns: each labelled with the group and owned by it (a controller owner reference, so the
/// garbage collector removes them with the SyncGroup).
/// </summary>
public static class OwnedObjectsRenderer
{
    public static ConfigMap ConfigMap(SyncGroup group, string renderedConfig) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = Metadata(group, ObjectNames.ConfigMap(group.Metadata.Name!)),
        Data = new Dictionary<string, string> { [SidecarPaths.ConfigKey] = renderedConfig },
    };

    public static Secret Secret(SyncGroup group, IReadOnlyDictionary<string, byte[]> data) => new()
    {
        ApiVersion = "v1",
        Kind = "Secret",
        Metadata = Metadata(group, ObjectNames.Secret(group.Metadata.Name!)),
        Type = "Opaque",
        Data = new Dictionary<string, byte[]>(data),
    };

    /// <summary>Headless, and listing pods before they are ready: a new member must find its peers to fill up and become ready.</summary>
    public static Service PeerService(SyncGroup group) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = Metadata(group, ObjectNames.PeerService(group.Metadata.Name!)),
        Spec = new ServiceSpec
        {
            ClusterIP = "None",
            PublishNotReadyAddresses = true,
            Selector = new Dictionary<string, string> { [SyncGroupLabels.Group] = group.Metadata.Name! },
            Ports = [new ServicePort { Name = SidecarPaths.PeerPortName, Port = group.Spec!.Sidecar.Port, TargetPort = JsonValue.Create(SidecarPaths.PeerPortName), Protocol = "TCP" }],
        },
    };

    public static ServiceAccount ServiceAccount(SyncGroup group) => new()
    {
        ApiVersion = "v1",
        Kind = "ServiceAccount",
        Metadata = Metadata(group, ObjectNames.Rbac(group.Metadata.Name!)),
    };

    /// <summary>What a podExec action needs: exec into pods of the namespace, nothing else.</summary>
    public static Role PodExecRole(SyncGroup group) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "Role",
        Metadata = Metadata(group, ObjectNames.Rbac(group.Metadata.Name!)),
        Rules = [new PolicyRule { ApiGroups = [""], Resources = ["pods/exec"], Verbs = ["get", "create"] }],
    };

    /// <summary>Binds the Role to each service account the member pods run as.</summary>
    public static RoleBinding PodExecRoleBinding(SyncGroup group, IEnumerable<string> serviceAccounts) => new()
    {
        ApiVersion = "rbac.authorization.k8s.io/v1",
        Kind = "RoleBinding",
        Metadata = Metadata(group, ObjectNames.Rbac(group.Metadata.Name!)),
        RoleRef = new RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = ObjectNames.Rbac(group.Metadata.Name!) },
        Subjects = [.. serviceAccounts.Distinct().Order(StringComparer.Ordinal).Select(account => new Subject { Kind = "ServiceAccount", Name = account, Namespace = group.Metadata.Namespace })],
    };

    public static OwnerReference OwnerReference(SyncGroup group) => new()
    {
        ApiVersion = SyncGroup.Version,
        Kind = SyncGroup.KindName,
        Name = group.Metadata.Name,
        Uid = group.Metadata.Uid,
        Controller = true,
        BlockOwnerDeletion = true,
    };

    private static ObjectMeta Metadata(SyncGroup group, string name) => new()
    {
        Name = name,
        Namespace = group.Metadata.Namespace,
        Labels = new Dictionary<string, string>
        {
            [SyncGroupLabels.Group] = group.Metadata.Name!,
            [SyncGroupLabels.ManagedBy] = SyncGroupLabels.ManagedByValue,
        },
        OwnerReferences = [OwnerReference(group)],
    };
}
