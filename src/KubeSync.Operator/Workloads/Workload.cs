using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;

namespace KubeSync.Operator.Workloads;

/// <summary>A Deployment, StatefulSet or DaemonSet as the operator needs it: its pod template and where its pods' volumes come from.</summary>
public sealed record Workload(WorkloadKind Kind, KubeObject Resource, PodTemplateSpec Template, IReadOnlyList<string> ClaimTemplates)
{
    public string Name => Resource.Metadata.Name!;

    public string Namespace => Resource.Metadata.Namespace!;

    /// <summary><c>Kind/name</c>, as status and messages write it.</summary>
    public string Display => $"{Kind}/{Name}";

    /// <summary>Volumes of the pod template, and for a StatefulSet its claim templates (each becomes a pod volume).</summary>
    public IEnumerable<string> VolumeNames =>
        (Template.Spec?.Volumes ?? []).Select(v => v.Name!).Concat(ClaimTemplates);

    /// <summary>The app's containers (ours left out), init containers included.</summary>
    public IEnumerable<string> ContainerNames =>
        (Template.Spec?.Containers ?? []).Concat(Template.Spec?.InitContainers ?? [])
            .Select(c => c.Name!)
            .Where(n => n != SyncGroupLabels.SidecarContainer);

    /// <summary>The SyncGroup whose sidecar the template carries, from the workload's annotation.</summary>
    public string? SyncedBy => Resource.Metadata.Annotations?.GetValueOrDefault(SyncGroupLabels.SyncGroupAnnotation);

    /// <summary>The pod-level <c>securityContext.runAsUser</c>, which every container without its own inherits.</summary>
    public long? PodRunAsUser =>
        Template.Spec?.AdditionalProperties?.GetValueOrDefault("securityContext") is { ValueKind: JsonValueKind.Object } context
        && context.TryGetProperty("runAsUser", out var uid) && uid.TryGetInt64(out var value) ? value : null;

    /// <summary>
    /// The UID an app container runs as when the pod template says (its own runAsUser, else the pod's); null when only
    /// its image knows. <paramref name="container"/> null means the only app container, if there is exactly one.
    /// </summary>
    public (string Name, long? Uid)? AppContainer(string? container)
    {
        var apps = Template.Spec?.Containers?.Where(c => c.Name != SyncGroupLabels.SidecarContainer).ToList() ?? [];
        var found = container is null ? (apps.Count == 1 ? apps[0] : null)
            : apps.Concat(Template.Spec?.InitContainers ?? []).FirstOrDefault(c => c.Name == container);
        if (found is null)
        {
            return null;
        }

        var own = found.SecurityContext?["runAsUser"] is JsonValue v && v.TryGetValue<long>(out var uid) ? uid : (long?)null;
        return (found.Name!, own ?? PodRunAsUser);
    }

    /// <summary>The service account the pods run as.</summary>
    public string? ServiceAccountName => Template.Spec?.ServiceAccountName;
}
