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

    /// <summary>The service account the pods run as.</summary>
    public string? ServiceAccountName => Template.Spec?.ServiceAccountName;
}
