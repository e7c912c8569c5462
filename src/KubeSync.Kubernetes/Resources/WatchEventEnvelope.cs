using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>One line of a watch stream as it arrives: the type and the still-undecoded object.</summary>
public sealed class WatchEventEnvelope
{
    public string? Type { get; set; }

    [JsonPropertyName("object")]
    public JsonElement Body { get; set; }
}
