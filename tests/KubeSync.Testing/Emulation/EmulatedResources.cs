using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>Resource types the emulator uses beyond <see cref="KubeResources"/>.</summary>
public static class EmulatedResources
{
    public static ResourceKind ReplicaSetKind { get; } = new("apps", "v1", "replicasets", "ReplicaSet");

    public static ResourceType<ReplicaSet> ReplicaSets { get; } =
        new(ReplicaSetKind, EmulationJsonContext.Default.ReplicaSet, EmulationJsonContext.Default.KubeListReplicaSet);
}
