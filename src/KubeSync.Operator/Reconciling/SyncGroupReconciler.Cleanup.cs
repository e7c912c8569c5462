using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Events;
using KubeSync.Operator.Rendering;
using KubeSync.Operator.Workloads;

namespace KubeSync.Operator.Reconciling;

public sealed partial class SyncGroupReconciler
{
    private async Task<SyncGroup> EnsureFinalizerAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        if (group.Metadata.Finalizers?.Contains(SyncGroupLabels.Finalizer) == true)
        {
            return group;
        }

        var current = group;
        return await ConflictRetry.RunAsync(
            async ct =>
            {
                current.Metadata.Finalizers = [.. current.Metadata.Finalizers ?? [], SyncGroupLabels.Finalizer];
                return await _groups.ReplaceAsync(current, ct).ConfigureAwait(false);
            },
            async ct => current = await RefetchAsync(group, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The SyncGroup is being deleted: give up our fields in every workload that carries its sidecar (server-side apply
    /// of an empty body removes exactly what we applied), then drop the finalizer. Owned objects go with the garbage
    /// collector through their owner references.
    /// </summary>
    private async Task FinalizeAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        if (group.Metadata.Finalizers?.Contains(SyncGroupLabels.Finalizer) != true)
        {
            return;
        }

        var ns = group.Metadata.Namespace!;
        foreach (var workload in await _workloads.ListAsync(ns, new Dictionary<string, string>(), cancellationToken).ConfigureAwait(false))
        {
            if (workload.SyncedBy == group.Metadata.Name)
            {
                await RemoveSidecarAsync(group, workload, cancellationToken).ConfigureAwait(false);
            }
        }

        var current = group;
        await ConflictRetry.RunAsync(
            async ct =>
            {
                current.Metadata.Finalizers = [.. (current.Metadata.Finalizers ?? []).Where(f => f != SyncGroupLabels.Finalizer)];
                return await _groups.ReplaceAsync(current, ct).ConfigureAwait(false);
            },
            async ct => current = await RefetchAsync(group, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Workloads that carried the group's sidecar and are no longer selected by it lose our pieces.</summary>
    private async Task RemoveFromUnselectedAsync(SyncGroup group, IReadOnlyList<string> before, IReadOnlyList<Workload> now, CancellationToken cancellationToken)
    {
        foreach (var display in before.Except(now.Select(w => w.Display)))
        {
            var parts = display.Split('/', 2);
            if (parts.Length == 2 && Enum.TryParse<WorkloadKind>(parts[0], out var kind)
                && await _workloads.FindAsync(kind, group.Metadata.Namespace!, parts[1], cancellationToken).ConfigureAwait(false) is { } workload
                && workload.SyncedBy == group.Metadata.Name)
            {
                await RemoveSidecarAsync(group, workload, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task RemoveSidecarAsync(SyncGroup group, Workload workload, CancellationToken cancellationToken)
    {
        await _workloads.ApplyAsync(workload.Kind, PodTemplateRenderer.RenderEmpty(workload.Kind, workload.Name, workload.Namespace), cancellationToken).ConfigureAwait(false);
        OperatorLog.Removed(_logger, group.Metadata.Namespace!, group.Metadata.Name!, workload.Display);
        await RecordAsync(group, EventKind.Normal, "SidecarRemoved", "Cleanup", $"removed the kubesync sidecar from {workload.Display}", cancellationToken).ConfigureAwait(false);
    }

    private async Task<SyncGroup> RefetchAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        CountConflict(group);
        return await _groups.GetAsync(group.Metadata.Namespace, group.Metadata.Name!, cancellationToken).ConfigureAwait(false);
    }
}
