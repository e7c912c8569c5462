using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>What the tree walker yields, in UTF-8 byte order of paths.</summary>
internal abstract record WalkItem
{
    /// <summary>An entry to record.</summary>
    public sealed record Entry(SyncPath Path, FileStat Stat, string? LinkTarget) : WalkItem;

    /// <summary>
    /// A directory whose contents could not be read (permission, a mount loop): rows below it must be left alone,
    /// not turned into deletions.
    /// </summary>
    public sealed record SkippedSubtree(SyncPath Path, string Reason) : WalkItem;

    /// <summary>An entry that could not be examined; <paramref name="Path"/> is null when its name is not a valid path.</summary>
    public sealed record Problem(SyncPath? Path, string Where, string Reason, ScanProblem Kind) : WalkItem;
}
