using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class StatefulSet : KubeObject
{
    public WorkloadSpec? Spec { get; set; }

    public JsonObject? Status { get; set; }
}
