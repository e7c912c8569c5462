using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.selector</c>: every Deployment, StatefulSet and DaemonSet in the SyncGroup's namespace whose labels include
/// all of <see cref="MatchLabels"/>; the pods of all of them form one group.
/// </summary>
public sealed class WorkloadSelector
{
    /// <summary>Labels a workload must carry (all of them, with these values) to be a member.</summary>
    [SchemaLength(1, 32)]
    public required IReadOnlyDictionary<string, string> MatchLabels { get; set; }
}
