using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Events;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Operator.Reconciling;

public sealed partial class SyncGroupReconciler
{
    /// <summary>Each pod labelled with the group, with what its sidecar's /status says (asked in parallel).</summary>
    private async Task<IReadOnlyList<SyncGroupMember>> ReadMembersAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        var name = group.Metadata.Name!;
        var pods = await _api.Resource(KubeResources.Pods)
            .ListAllAsync(group.Metadata.Namespace, new ListOptions { LabelSelector = $"{SyncGroupLabels.Group}={name}" }, cancellationToken)
            .ConfigureAwait(false);
        var live = pods.Items.Where(p => p.Metadata.DeletionTimestamp is null).OrderBy(p => p.Metadata.Name, StringComparer.Ordinal).ToList();
        var port = group.Spec?.Sidecar.AdminPort ?? 9465;
        var readings = await Task.WhenAll(live.Select(p => _members.ReadAsync(p, port, name, cancellationToken))).ConfigureAwait(false);
        var members = new List<SyncGroupMember>();
        for (var i = 0; i < live.Count; i++)
        {
            var reading = readings[i];
            if (reading.Error is not null)
            {
                OperatorLog.MemberUnavailable(_logger, group.Metadata.Namespace!, name, live[i].Metadata.Name!, reading.Error);
            }

            members.Add(new SyncGroupMember
            {
                Pod = live[i].Metadata.Name!,
                Ready = reading.Ready,
                Dirty = reading.Dirty,
                Conflicts = reading.Conflicts,
                LastSync = reading.LastSync,
                Message = reading.Error,
            });
        }

        return members;
    }

    /// <summary>
    /// Writes status through the status subresource, with the resourceVersion read as precondition: a 409 means the
    /// SyncGroup changed meanwhile, so it is read again and the status recomputed against it. Condition transitions
    /// become Events.
    /// </summary>
    private async Task<SyncGroupStatus> WriteStatusAsync(
        SyncGroup group, GroupObservation observed, IReadOnlyList<string> workloads, DateTimeOffset? certificateNotAfter, CancellationToken cancellationToken)
    {
        var current = group;
        SyncGroupStatus? written = null;
        IReadOnlyList<SyncGroupCondition> before = [];
        await ConflictRetry.RunAsync(
            async ct =>
            {
                before = current.Status?.Conditions ?? [];
                written = new SyncGroupStatus
                {
                    ObservedGeneration = current.Metadata.Generation,
                    MemberCount = observed.Members.Count,
                    ReadyMembers = observed.Members.Count(m => m.Ready),
                    Dirty = observed.Members.Sum(m => m.Dirty),
                    Conflicts = observed.Members.Sum(m => m.Conflicts),
                    Members = observed.Members,
                    Conditions = ConditionBuilder.Build(observed, before, current.Metadata.Generation ?? 0, _time.GetUtcNow()),
                    Workloads = workloads,
                    CertificateNotAfter = certificateNotAfter,
                };
                current.Status = written;
                return await _groups.ReplaceStatusAsync(current, ct).ConfigureAwait(false);
            },
            async ct => current = await RefetchAsync(group, ct).ConfigureAwait(false),
            cancellationToken).ConfigureAwait(false);

        foreach (var transition in ConditionBuilder.Transitions(before, written!.Conditions))
        {
            var warning = ConditionBuilder.IsWarning(transition, before);
            await RecordAsync(
                group, warning ? EventKind.Warning : EventKind.Normal, transition.Reason, transition.Type, transition.Message ?? transition.Reason, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }
}
