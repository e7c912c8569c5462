using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// What to scan. No paths: the whole root. Paths without <paramref name="Recursive"/>: exactly those entries
/// (csync2 <c>-c</c>); with it, their subtrees (<c>-cr</c>). <paramref name="Init"/> records without marking
/// anything dirty (<c>-cI</c>), for members known to be identical already.
/// </summary>
public sealed record ScanRequest(IReadOnlyList<SyncPath>? Paths = null, bool Recursive = true, bool Init = false)
{
    public static ScanRequest Full { get; } = new();
}
