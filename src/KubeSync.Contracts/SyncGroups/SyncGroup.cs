using KubeSync.Contracts.Schema;
using KubeSync.Kubernetes.Resources;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// A <c>kubesync.io/v1alpha1</c> SyncGroup: one directory kept identical across the pods of a workload. The operator
/// adds the kubesync sidecar to the workload's pod template and reports each member in <see cref="Status"/>.
/// </summary>
[SchemaRule(
    "self.metadata.name.size() <= 54 && self.metadata.name.matches('^[a-z0-9]([a-z0-9-]*[a-z0-9])?$')",
    "the SyncGroup's name must be lowercase letters, digits and '-', at most 54 characters (it names the sync group and the objects made for it)")]
public sealed class SyncGroup : KubeObject
{
    /// <summary>The API version of this kind.</summary>
    public const string Version = "kubesync.io/v1alpha1";

    /// <summary>The kind's name.</summary>
    public const string KindName = "SyncGroup";

    /// <summary>What the user asks for.</summary>
    public SyncGroupSpec? Spec { get; set; }

    /// <summary>What the operator observed.</summary>
    public SyncGroupStatus? Status { get; set; }
}
