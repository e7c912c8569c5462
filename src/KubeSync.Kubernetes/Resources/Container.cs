using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Kubernetes.Resources;

public sealed class Container
{
    public string? Name { get; set; }

    public string? Image { get; set; }

    public List<string>? Command { get; set; }

    public List<string>? Args { get; set; }

    public List<EnvVar>? Env { get; set; }

    public List<VolumeMount>? VolumeMounts { get; set; }

    /// <summary><c>Always</c> on an init container makes it a native sidecar (Kubernetes 1.29+).</summary>
    public string? RestartPolicy { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
