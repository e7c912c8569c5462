using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class Service : KubeObject
{
    public ServiceSpec? Spec { get; set; }

    public JsonObject? Status { get; set; }
}
