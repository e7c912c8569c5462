using System.Text.Json.Serialization;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>The kinds of workload whose pod template the operator extends.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkloadKind>))]
public enum WorkloadKind
{
    Deployment,
    StatefulSet,
    DaemonSet,
}
