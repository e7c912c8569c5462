using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>A pod volume: its name, and its source (<c>emptyDir</c>, <c>secret</c>, ...) as raw JSON.</summary>
public sealed class Volume
{
    public string? Name { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
