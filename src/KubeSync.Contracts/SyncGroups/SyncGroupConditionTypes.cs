namespace KubeSync.Contracts.SyncGroups;

/// <summary>The condition types in <c>status.conditions</c>.</summary>
public static class SyncGroupConditionTypes
{
    /// <summary>Every member pod's sidecar is ready (its initial sync is done) and the group is not Degraded.</summary>
    public const string Ready = "Ready";

    /// <summary>No member owes another any file.</summary>
    public const string Synced = "Synced";

    /// <summary>At least one member reports an unresolved conflict.</summary>
    public const string Conflicts = "Conflicts";

    /// <summary>The spec cannot be carried out as written (the message says what to fix), or reconciling fails.</summary>
    public const string Degraded = "Degraded";

    /// <summary>
    /// False when the pod template shows that an action will be refused by the kernel (a signal to a container of
    /// another user than the sidecar's); the message says what to set. Syncing is not affected.
    /// </summary>
    public const string ActionsPermitted = "ActionsPermitted";
}
