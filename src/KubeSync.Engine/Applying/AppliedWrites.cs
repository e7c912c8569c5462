using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// What the applier itself just left at each path, so the watcher can tell its own writes from the app's
/// (DESIGN 3.3) without scanning them: an event for a path is ours when the entry there still has the type,
/// inode, mode and owner, and for a file the size and mtime, that the applier recorded (a directory's mtime moves
/// as entries land; a deletion is recorded as absence). Anything else, an app write a moment later included, is
/// scanned as usual. A record stays until the entry no longer matches it (one apply may cause several events).
/// </summary>
public sealed class AppliedWrites
{
    /// <summary>Without a watcher consuming them, entries would pile up: past this many the oldest knowledge is dropped.</summary>
    internal const int Capacity = 16_384;

    /// <summary>
    /// A plain dictionary under a lock: one applier and one watcher use it, and a <c>ConcurrentDictionary</c>'s
    /// <c>Count</c> (asked on every record) takes all of its locks.
    /// </summary>
    private readonly Dictionary<string, FileStat?> _writes = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _writes.Count;
            }
        }
    }

    /// <summary>The applier left <paramref name="stat"/> at <paramref name="path"/> (null: nothing, after a deletion).</summary>
    internal void Record(SyncPath path, FileStat? stat)
    {
        lock (_gate)
        {
            if (_writes.Count >= Capacity)
            {
                _writes.Clear();
            }

            _writes[path.Value] = stat;
        }
    }

    /// <summary>
    /// Whether what is at <paramref name="path"/> under <paramref name="root"/> now is exactly what the applier left
    /// there. A record that no longer matches is forgotten, so every later event for the path is scanned.
    /// </summary>
    public bool IsOwn(SyncPath path, string root)
    {
        FileStat? written;
        lock (_gate)
        {
            if (!_writes.TryGetValue(path.Value, out written))
            {
                return false;
            }
        }

        var rc = NativeFileSystem.TryStat(Path.Combine(root, path.Value), out var now);
        var own = written is { } was
            ? rc == 0 && now.Type == was.Type && now.Inode == was.Inode && now.Mode == was.Mode && now.Uid == was.Uid && now.Gid == was.Gid
                && (was.Type == EntryType.Directory || (now.Size == was.Size && now.MtimeNs == was.MtimeNs))
            : rc == LibC.ENOENT;
        if (!own)
        {
            lock (_gate)
            {
                // Only the record that was checked: the applier may have written the path again since.
                if (_writes.TryGetValue(path.Value, out var current) && EqualityComparer<FileStat?>.Default.Equals(current, written))
                {
                    _writes.Remove(path.Value);
                }
            }
        }

        return own;
    }
}
