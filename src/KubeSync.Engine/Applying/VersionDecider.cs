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

    /// <summary>The version a resolved conflict gets: both histories plus one change by the resolving member, so it dominates both.</summary>
    public static VersionVector Resolved(VersionVector a, VersionVector b, string resolver) => a.Merge(b).Increment(resolver);
}
