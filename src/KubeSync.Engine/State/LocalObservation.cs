using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>What the scanner saw at a path: an entry with its stat (and hash or link target), or nothing (<paramref name="Stat"/> null).</summary>
public sealed record LocalObservation(SyncPath Path, FileStat? Stat, byte[]? Hash, string? LinkTarget, bool Racy)
{
    public static LocalObservation Vanished(SyncPath path) => new(path, null, null, null, false);
}
