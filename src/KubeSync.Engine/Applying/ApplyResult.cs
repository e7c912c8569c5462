using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Applying;

/// <summary>
/// The outcome of one apply. On success <paramref name="Stat"/> is the entry as it now is on disk: the caller
/// records exactly this in the state, so the next scan finds the stat unchanged and does not take the applier's
/// own write for a local change.
/// </summary>
public sealed record ApplyResult(ApplyOutcome Outcome, FileStat? Stat, string? Reason)
{
    public static ApplyResult Applied(FileStat stat) => new(ApplyOutcome.Applied, stat, null);

    /// <summary>A deletion found nothing left to delete (or deleted it): nothing is on disk at the path.</summary>
    public static ApplyResult Gone() => new(ApplyOutcome.Applied, null, null);

    public static ApplyResult Refused(string reason) => new(ApplyOutcome.Refused, null, reason);

    public static ApplyResult Failed(string reason) => new(ApplyOutcome.Failed, null, reason);

    public static ApplyResult Stale(string reason) => new(ApplyOutcome.Stale, null, reason);
}
