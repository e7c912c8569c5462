using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>An <c>apps/v1</c> ReplicaSet: the Deployment controller's unit of rollout. The client has no type for it; the emulator needs one.</summary>
public sealed class ReplicaSet : KubeObject
{
    public WorkloadSpec? Spec { get; set; }

    public JsonObject? Status { get; set; }
}
