using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

public sealed class ServiceSpec
{
    /// <summary><c>None</c> makes a headless Service.</summary>
    public string? ClusterIP { get; set; }

    public Dictionary<string, string>? Selector { get; set; }

    public List<ServicePort>? Ports { get; set; }

    public bool? PublishNotReadyAddresses { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
