using System.Text.Json;
using System.Text.Json.Nodes;
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

    /// <summary><c>requests</c> and <c>limits</c>, as the SyncGroup's <c>sidecar.resources</c> gives them.</summary>
    public JsonObject? Resources { get; set; }

    public JsonArray? Ports { get; set; }

    public JsonObject? ReadinessProbe { get; set; }

    public JsonObject? LivenessProbe { get; set; }

    public JsonObject? StartupProbe { get; set; }

    public JsonObject? SecurityContext { get; set; }

    [JsonExtensionData]
    public Dictionary<string, JsonElement>? AdditionalProperties { get; set; }
}
