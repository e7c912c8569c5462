using KubeSync.Contracts.Configuration;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.roles[]</c>: members whose pod labels match <see cref="Selector"/> take <see cref="Role"/>. The rules are
/// tried in order and the first match wins; a member no rule matches takes <c>spec.role</c>.
/// </summary>
public sealed class SyncGroupRoleRule
{
    /// <summary>Which pods: a label selector over each member pod's own labels (a StatefulSet pod has statefulset.kubernetes.io/pod-name).</summary>
    public required PodLabelSelector Selector { get; set; }

    /// <summary>The role of the members it matches.</summary>
    public required MemberRole Role { get; set; }
}
