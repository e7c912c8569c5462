using KubeSync.Contracts.SyncGroups;

namespace KubeSync.Operator.Reconciling;

/// <summary>
/// What one reconcile found: the members, the reason and message of a Degraded group (null when healthy), and the
/// actions the sidecar will not be permitted to run (null when the check did not run, as in a Degraded reconcile).
/// </summary>
public sealed record GroupObservation(
    IReadOnlyList<SyncGroupMember> Members, string? DegradedReason, string? DegradedMessage, IReadOnlyList<string>? ActionWarnings = null)
{
    public bool IsDegraded => DegradedReason is not null;
}
