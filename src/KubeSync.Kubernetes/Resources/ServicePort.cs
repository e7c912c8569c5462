using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class ServicePort
{
    public string? Name { get; set; }

    public int? Port { get; set; }

    /// <summary>A port number or a container port name.</summary>
    public JsonNode? TargetPort { get; set; }

    public string? Protocol { get; set; }
}
