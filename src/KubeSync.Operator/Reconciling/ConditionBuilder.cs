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

    /// <summary>Conditions whose status differs from before (new ones included): the transitions to report as Events.</summary>
    public static IEnumerable<SyncGroupCondition> Transitions(IReadOnlyList<SyncGroupCondition> previous, IReadOnlyList<SyncGroupCondition> current) =>
        current.Where(c => previous.FirstOrDefault(p => p.Type == c.Type) is not { } before ? c.Status == "True" : before.Status != c.Status);
}
