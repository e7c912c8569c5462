using KubeSync.Contracts.SyncGroups;

namespace KubeSync.Operator.Reconciling;

/// <summary>What one reconcile found: the members, and the reason and message of a Degraded group (null when healthy).</summary>
public sealed record GroupObservation(IReadOnlyList<SyncGroupMember> Members, string? DegradedReason, string? DegradedMessage)
{
    public bool IsDegraded => DegradedReason is not null;
}
