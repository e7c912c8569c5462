using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class Pod : KubeObject
{
    public PodSpec? Spec { get; set; }

    public JsonObject? Status { get; set; }
}
