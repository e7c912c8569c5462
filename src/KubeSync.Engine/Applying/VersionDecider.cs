using KubeSync.Engine.State;

namespace KubeSync.Engine.Applying;

/// <summary>Version vectors decide (DESIGN 3.4): dominance takes, equality rests, concurrency is a conflict unless the content is equal.</summary>
public static class VersionDecider
{
    /// <param name="local">What this member has, or null when it never had the path.</param>
    public static SyncDecision Decide(EntrySide? local, EntrySide remote)
    {
        if (local is null)
        {
            return SyncDecision.TakeRemote;
        }

        return local.Version.Compare(remote.Version) switch
        {
            VersionOrder.Equal => SyncDecision.InSync,
            VersionOrder.DominatedBy => SyncDecision.TakeRemote,
            VersionOrder.Dominates => SyncDecision.KeepLocal,
            _ => local.SameContentAs(remote) ? SyncDecision.MergeIdentical : SyncDecision.Conflict,
        };
    }

    /// <summary>
    /// The version a resolved conflict gets: both histories merged, which dominates each of two concurrent
    /// versions. No tick is added (DESIGN 3.4 adds one of the resolving member): members that settle the same
    /// conflict independently then record the same version instead of two new concurrent ones.
    /// </summary>
    public static VersionVector Resolved(VersionVector a, VersionVector b) => a.Merge(b);
}
