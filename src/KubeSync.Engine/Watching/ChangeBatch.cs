using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Watching;

/// <summary>
/// The paths the watcher has seen change since its last flush, deduplicated, and when they are due: once the group
/// has been quiet for the debounce, or early when a burst keeps going (too many paths, or the first one waited too long).
/// Used by the reading thread only.
/// </summary>
internal sealed class ChangeBatch
{
    private readonly HashSet<SyncPath> _paths = [];
    private readonly HashSet<SyncPath> _trees = [];
    private readonly TimeProvider _time;
    private bool _full;
    private bool _started;
    private long _first;
    private long _last;

    public ChangeBatch(TimeProvider time, TimeSpan debounce)
    {
        _time = time;
        Debounce = debounce;
    }

    /// <summary>Quiet time before a flush.</summary>
    public TimeSpan Debounce { get; }

    /// <summary>A burst is flushed once it has this many distinct paths, quiet or not.</summary>
    public int MaxPaths { get; init; } = 1000;

    /// <summary>A burst is flushed this many debounce periods after its first event, quiet or not.</summary>
    public int MaxDelayFactor { get; init; } = 5;

    /// <summary>Past this many pending paths (scans falling behind), the batch becomes one full scan.</summary>
    public int CollapseToFull { get; init; } = 10_000;

    public bool IsEmpty => !_full && _paths.Count == 0 && _trees.Count == 0;

    public int Count => _paths.Count + _trees.Count;

    /// <summary>One entry changed (scanned without its subtree).</summary>
    public void Add(SyncPath path)
    {
        _paths.Add(path);
        Touch();
    }

    /// <summary>A directory appeared or went away: scanned with its subtree.</summary>
    public void AddTree(SyncPath path)
    {
        _trees.Add(path);
        Touch();
    }

    /// <summary>Anything may have changed (an overflow, a watch that failed): the whole root is scanned.</summary>
    public void AddFull()
    {
        _full = true;
        Touch();
    }

    /// <summary>Whether the batch should be flushed now.</summary>
    public bool IsDue() => !IsEmpty && (_full || Count >= MaxPaths || DueIn() <= TimeSpan.Zero);

    /// <summary>Time until the batch is due (<see cref="Timeout.InfiniteTimeSpan"/> when empty).</summary>
    public TimeSpan DueIn()
    {
        if (IsEmpty)
        {
            return Timeout.InfiniteTimeSpan;
        }

        var now = _time.GetUtcNow().UtcTicks;
        var quiet = Debounce - TimeSpan.FromTicks(now - _last);
        var burst = (Debounce * MaxDelayFactor) - TimeSpan.FromTicks(now - _first);
        var due = quiet < burst ? quiet : burst;
        return due < TimeSpan.Zero ? TimeSpan.Zero : due;
    }

    /// <summary>
    /// Drops the paths and subtrees for which <paramref name="isOwn"/> holds (what the applier left there, recorded
    /// only after the event was read: a directory's creation is reported before the applier can know its inode).
    /// </summary>
    public void DropWhere(Func<SyncPath, bool> isOwn)
    {
        if (_full)
        {
            return;
        }

        _paths.RemoveWhere(p => isOwn(p));
        _trees.RemoveWhere(p => isOwn(p));
    }

    /// <summary>The scans that cover the batch, and empties it. Nested subtrees and paths inside a scanned subtree are dropped.</summary>
    public IReadOnlyList<ScanRequest> Take()
    {
        try
        {
            if (_full)
            {
                return [ScanRequest.Full];
            }

            var trees = _trees.Where(t => !UnderTree(t.Parent)).Order().ToList();
            var paths = _paths.Where(p => !UnderTree(p)).Order().ToList();
            var requests = new List<ScanRequest>(2);
            if (trees.Count > 0)
            {
                requests.Add(new ScanRequest(trees, Recursive: true));
            }

            if (paths.Count > 0)
            {
                requests.Add(new ScanRequest(paths, Recursive: false));
            }

            return requests;
        }
        finally
        {
            _paths.Clear();
            _trees.Clear();
            _full = false;
            _started = false;
        }
    }

    /// <summary>Whether <paramref name="path"/> or one of its ancestors is a pending subtree.</summary>
    private bool UnderTree(SyncPath? path)
    {
        for (; path is not null; path = path.Parent)
        {
            if (_trees.Contains(path))
            {
                return true;
            }
        }

        return false;
    }

    private void Touch()
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (!_started)
        {
            _started = true;
            _first = now;
        }

        _last = now;
        if (Count > CollapseToFull)
        {
            _paths.Clear();
            _trees.Clear();
            _full = true;
        }
    }
}
