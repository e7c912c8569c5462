using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>spec.roles[].selector</c>: a Kubernetes label selector; all of it must hold, and an empty one matches every pod.</summary>
public sealed class PodLabelSelector
{
    /// <summary>Labels the pod must carry, with these values.</summary>
    [SchemaLength(-1, 32)]
    public IReadOnlyDictionary<string, string>? MatchLabels { get; set; }

    /// <summary>Requirements on the pod's labels.</summary>
    [SchemaLength(-1, 32)]
    public IReadOnlyList<PodLabelRequirement>? MatchExpressions { get; set; }
}
