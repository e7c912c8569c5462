using KubeSync.Contracts.SyncGroups;

namespace KubeSync.Operator.Reconciling;

/// <summary>
/// Computes Ready, Synced, Conflicts and Degraded from what a reconcile observed, keeping a condition's
/// lastTransitionTime when its status did not change.
/// </summary>
public static class ConditionBuilder
{
    public static IReadOnlyList<SyncGroupCondition> Build(GroupObservation observed, IReadOnlyList<SyncGroupCondition> previous, long generation, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(observed);
        ArgumentNullException.ThrowIfNull(previous);
        var members = observed.Members;
        var ready = members.Count(m => m.Ready);
        var unread = members.Count(m => m.Message is not null);
        var dirty = members.Sum(m => m.Dirty);
        var conflicts = members.Sum(m => m.Conflicts);
        var conditions = new List<SyncGroupCondition>
        {
            observed.IsDegraded ? Make(SyncGroupConditionTypes.Ready, "False", "Degraded", "the group is degraded: see the Degraded condition")
                : members.Count == 0 ? Make(SyncGroupConditionTypes.Ready, "False", "NoMembers", "no member pods yet")
                : ready == members.Count ? Make(SyncGroupConditionTypes.Ready, "True", "AllMembersReady", $"{ready} of {members.Count} members ready")
                : Make(SyncGroupConditionTypes.Ready, "False", "MembersNotReady", $"{ready} of {members.Count} members ready"),
            members.Count == 0 || unread > 0 ? Make(SyncGroupConditionTypes.Synced, "Unknown", "StatusUnavailable", $"{unread} of {members.Count} members did not report their status")
                : dirty == 0 ? Make(SyncGroupConditionTypes.Synced, "True", "NothingOwed", "no member owes another a file")
                : Make(SyncGroupConditionTypes.Synced, "False", "FilesOwed", $"{dirty} files still owed between members"),
            conflicts > 0 ? Make(SyncGroupConditionTypes.Conflicts, "True", "ConflictsFound", $"{conflicts} unresolved conflicts: run kubesync conflicts in a member, resolve with kubesync force PATH or set spec.auto")
                : Make(SyncGroupConditionTypes.Conflicts, "False", "NoConflicts", "no unresolved conflicts"),
            observed.IsDegraded ? Make(SyncGroupConditionTypes.Degraded, "True", observed.DegradedReason!, observed.DegradedMessage!)
                : Make(SyncGroupConditionTypes.Degraded, "False", "AsExpected", "the spec is carried out"),
            observed.ActionWarnings is not { } warnings
                ? previous.FirstOrDefault(c => c.Type == SyncGroupConditionTypes.ActionsPermitted)
                    ?? Make(SyncGroupConditionTypes.ActionsPermitted, "Unknown", "NotChecked", "the actions were not checked against the pod template")
                : warnings.Count > 0 ? Make(SyncGroupConditionTypes.ActionsPermitted, "False", "SignalNotPermitted", string.Join("; ", warnings))
                : Make(SyncGroupConditionTypes.ActionsPermitted, "True", "AsExpected", "no action targets a process the sidecar may not reach, as far as the pod template tells"),
        };
        return conditions;

        SyncGroupCondition Make(string type, string status, string reason, string message)
        {
            var before = previous.FirstOrDefault(c => c.Type == type);
            return new SyncGroupCondition
            {
                Type = type,
                Status = status,
                Reason = reason,
                Message = message,
                ObservedGeneration = generation,
                LastTransitionTime = before is not null && before.Status == status ? before.LastTransitionTime : now,
            };
        }
    }

    /// <summary>
    /// Conditions whose status differs from before (new ones included): the transitions to report as Events. A new
    /// condition is one when True, except ActionsPermitted, which is one when False (a warning), as is a new message.
    /// </summary>
    public static IEnumerable<SyncGroupCondition> Transitions(IReadOnlyList<SyncGroupCondition> previous, IReadOnlyList<SyncGroupCondition> current) =>
        current.Where(c => previous.FirstOrDefault(p => p.Type == c.Type) is not { } before
            ? c.Status == (c.Type == SyncGroupConditionTypes.ActionsPermitted ? "False" : "True")
            : before.Status != c.Status || (c.Type == SyncGroupConditionTypes.ActionsPermitted && c.Status == "False" && before.Message != c.Message));

    /// <summary>Whether a transition to <paramref name="condition"/> is reported as a Warning Event rather than Normal.</summary>
    public static bool IsWarning(SyncGroupCondition condition, IReadOnlyList<SyncGroupCondition> previous)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return condition.Type switch
        {
            SyncGroupConditionTypes.Degraded or SyncGroupConditionTypes.Conflicts => condition.Status == "True",
            SyncGroupConditionTypes.ActionsPermitted => condition.Status == "False",
            _ => condition.Status == "False" && previous.Any(b => b.Type == condition.Type),
        };
    }
}
