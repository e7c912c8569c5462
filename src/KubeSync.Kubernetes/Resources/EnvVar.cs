using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class EnvVar
{
    public string? Name { get; set; }

    public string? Value { get; set; }

    public JsonObject? ValueFrom { get; set; }
}
