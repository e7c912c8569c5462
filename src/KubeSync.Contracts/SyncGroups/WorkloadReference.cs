using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>spec.workloadRef</c>: one workload in the SyncGroup's namespace whose pods are the members.</summary>
public sealed class WorkloadReference
{
    /// <summary>Kind of the workload: Deployment, StatefulSet or DaemonSet.</summary>
    public required WorkloadKind Kind { get; set; }

    /// <summary>Name of the workload, in the SyncGroup's namespace.</summary>
    [SchemaLength(1, 253)]
    public required string Name { get; set; }
}
