using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

/// <summary>
/// Any Kubernetes object. Fields without a typed property are kept in <see cref="AdditionalProperties"/>,
/// so a read-modify-replace never drops what this client does not model. Used as-is for generic access.
/// </summary>
public class KubeObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ObjectMeta Metadata { get; set; } = new();

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
