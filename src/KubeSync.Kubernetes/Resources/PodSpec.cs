using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>The parts of a pod spec KubeSync writes; everything else round-trips in <see cref="AdditionalProperties"/>.</summary>
public sealed class PodSpec
{
    public List<Container>? InitContainers { get; set; }

    public List<Container>? Containers { get; set; }

    public List<Volume>? Volumes { get; set; }

    public bool? ShareProcessNamespace { get; set; }

    public string? ServiceAccountName { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
