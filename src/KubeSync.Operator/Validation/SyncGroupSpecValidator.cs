using System.Text.RegularExpressions;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Workloads;

namespace KubeSync.Operator.Validation;

/// <summary>
/// Checks a SyncGroup before anything is written. <see cref="ValidateSpec"/> repeats the CRD's CEL rules by hand (with
/// the same messages), for API servers that do not evaluate them and for objects stored before a rule existed;
/// <see cref="ValidateAgainst"/> checks the spec against a workload. Each problem says what to fix.
/// </summary>
public static partial class SyncGroupSpecValidator
{
    public static IReadOnlyList<string> ValidateSpec(SyncGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var problems = new List<string>();
        var name = group.Metadata.Name ?? "";
        if (!GroupName().IsMatch(name) || name.Length > ObjectNames.MaxGroupName)
        {
            problems.Add($"the SyncGroup's name must be lowercase letters, digits and '-', at most {ObjectNames.MaxGroupName} characters (it names the sync group and the objects made for it)");
        }

        if (group.Spec is not { } spec)
        {
            problems.Add("spec is missing");
            return problems;
        }

        if ((spec.WorkloadRef is null) == (spec.Selector is null))
        {
            problems.Add("set exactly one of workloadRef and selector");
        }

        if (spec.MountPath is null || spec.MountPath == "/" || !spec.MountPath.StartsWith('/') || spec.MountPath.StartsWith("/etc/kubesync", StringComparison.Ordinal))
        {
            problems.Add("mountPath must not be / or under /etc/kubesync (the sidecar's own files)");
        }

        if (spec.Sidecar.Port == spec.Sidecar.AdminPort)
        {
            problems.Add("sidecar.port and sidecar.adminPort must differ");
        }

        if (spec.Sidecar.SecurityContext is { } context)
        {
            if (context.RunAsNonRoot == true && context.RunAsUser == 0)
            {
                problems.Add("sidecar.securityContext: runAsNonRoot true contradicts runAsUser 0");
            }

            if (context.Capabilities?.Add is { Count: > 0 } && context.RunAsUser != 0)
            {
                problems.Add("sidecar.securityContext.capabilities.add takes effect only for a sidecar running as root: set runAsUser 0 with it");
            }
        }

        foreach (var requirement in spec.Roles.SelectMany(r => r.Selector?.MatchExpressions ?? []))
        {
            var needsValues = requirement.Operator is "In" or "NotIn";
            if (needsValues != (requirement.Values is { Count: > 0 }))
            {
                problems.Add("roles: matchExpressions with In or NotIn need values, with Exists or DoesNotExist none");
            }
        }

        foreach (var action in spec.Actions)
        {
            var runners = (action.Exec is null ? 0 : 1) + (action.Signal is null ? 0 : 1) + (action.PodExec is null ? 0 : 1) + (action.Http is null ? 0 : 1);
            if (runners != 1)
            {
                problems.Add($"actions[{action.Name}]: set exactly one runner: exec, signal, podExec or http");
            }

            if (action.Signal is { } signal && (signal.Process is null) == (signal.PidFile is null))
            {
                problems.Add($"actions[{action.Name}]: signal: set exactly one of process and pidFile");
            }
        }

        foreach (var duplicate in spec.Actions.GroupBy(a => a.Name).Where(g => g.Count() > 1))
        {
            problems.Add($"actions: the name '{duplicate.Key}' is used twice");
        }

        return problems;
    }

    /// <summary>Problems of running <paramref name="group"/> in <paramref name="workload"/>'s pods.</summary>
    public static IReadOnlyList<string> ValidateAgainst(SyncGroup group, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(workload);
        var spec = group.Spec!;
        var problems = new List<string>();
        var volumes = workload.VolumeNames.ToList();
        if (!volumes.Contains(spec.Volume))
        {
            problems.Add($"{workload.Display} has no volume '{spec.Volume}' (it has: {List(volumes)}); set spec.volume to one of them or add the volume to the pod template");
        }

        var containers = workload.ContainerNames.ToList();
        foreach (var action in spec.Actions)
        {
            var container = action.PodExec?.Container ?? action.Signal?.Container;
            if (container is not null && !containers.Contains(container))
            {
                problems.Add($"actions[{action.Name}] names container '{container}', which {workload.Display} does not have (it has: {List(containers)})");
            }
        }

        if (workload.SyncedBy is { } other && other != group.Metadata.Name)
        {
            problems.Add($"{workload.Display} already carries the sidecar of SyncGroup {other}; a workload can be in one SyncGroup only");
        }

        return problems;
    }

    /// <summary>The UID of the sidecar image's user (docker/sidecar.Dockerfile), when the spec names no other image.</summary>
    public const long ImageUser = 1654;

    /// <summary>
    /// Signal actions the kernel will refuse (EPERM), as far as the pod template tells: the target container's UID is
    /// known (its runAsUser or the pod's) and differs from the sidecar's, and the sidecar is not root with KILL. Each
    /// warning says what to set. Not a Degraded group: syncing works, only the signal fails.
    /// </summary>
    public static IReadOnlyList<string> SignalWarnings(SyncGroup group, Workload workload)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(workload);
        var spec = group.Spec!;
        var context = spec.Sidecar.SecurityContext;
        var sidecar = context?.RunAsUser ?? workload.PodRunAsUser ?? (spec.Sidecar.Image is null ? ImageUser : null);
        var canKill = context?.Capabilities?.Add.Contains("KILL") == true;
        var warnings = new List<string>();
        foreach (var action in spec.Actions.Where(a => a.Signal is not null))
        {
            if (sidecar is not { } self || workload.AppContainer(action.Signal!.Container) is not { Uid: { } target } app
                || target == self || (self == 0 && canKill))
            {
                continue;
            }

            var fix = target == 0
                ? "set spec.sidecar.securityContext to {runAsUser: 0, runAsNonRoot: false}, or run the app as a non-root user and the sidecar as that user"
                : $"set spec.sidecar.securityContext.runAsUser: {target}";
            var why = self == 0 ? "runs as root without the KILL capability" : $"runs as UID {self}";
            warnings.Add($"{workload.Display}: actions[{action.Name}] signals container {app.Name}, which runs as UID {target}, but the sidecar {why}: the signal would fail with \"operation not permitted\"; {fix}");
        }

        return warnings;
    }

    private static string List(List<string> names) => names.Count == 0 ? "none" : string.Join(", ", names);

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")]
    private static partial Regex GroupName();
}
