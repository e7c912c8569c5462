using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Watching;

/// <summary>
/// The paths the watcher has seen change since its last flush, deduplicated, and when they are due. The first change
/// after the group was quiet for a whole debounce is due at once (<see cref="LeadingDelay"/> after the first event
/// that completes a change, so that the events of one operation travel together): a lone edit is not held back.
/// Changes that follow within the debounce are a burst: due once the group has been quiet for the debounce, or early
/// when the burst keeps going (too many paths, or the first one waited too long). Used by the reading thread only.
/// </summary>
internal sealed class ChangeBatch
{
    private readonly HashSet<SyncPath> _paths = [];
    private readonly HashSet<SyncPath> _trees = [];
    private readonly Dictionary<SyncPath, long> _open = [];
    private readonly TimeProvider _time;
    private bool _full;
    private bool _started;
    private bool _leading;
    private long _first;
    private long _last = long.MinValue;
    private long _completedAt = -1;

    public ChangeBatch(TimeProvider time, TimeSpan debounce)
    {
        _time = time;
        Debounce = debounce;
    }

    /// <summary>Quiet time before a flush (<c>timing.debounce</c>; a config reload may change it).</summary>
    public TimeSpan Debounce { get; set; }

    /// <summary>
    /// How long the first completed change after a quiet period waits for events of the same operation (a rename's
    /// two halves, a directory's creation and its first files) before it is due.
    /// </summary>
    public TimeSpan LeadingDelay { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>A burst is flushed once it has this many distinct paths, quiet or not.</summary>
    public int MaxPaths { get; init; } = 1000;

    /// <summary>A burst is flushed this many debounce periods after its first event, quiet or not.</summary>
    public int MaxDelayFactor { get; init; } = 5;

    /// <summary>Past this many pending paths (scans falling behind), the batch becomes one full scan.</summary>
    public int CollapseToFull { get; init; } = 10_000;

    public bool IsEmpty => !_full && _paths.Count == 0 && _trees.Count == 0;

    public int Count => _paths.Count + _trees.Count;

    /// <summary>One entry changed (scanned without its subtree).</summary>
    /// <param name="complete">
    /// False for a file just created (<c>IN_CREATE</c>): its content is still being written, so it does not make a
    /// leading batch due; its close or rename does.
    /// </param>
    public void Add(SyncPath path, bool complete = true)
    {
        if (_paths.Add(path) && !complete)
        {
            _open[path] = _time.GetUtcNow().UtcTicks;
        }
        else if (complete)
        {
            _open.Remove(path);
        }

        Touch(complete);
    }

    /// <summary>A directory appeared or went away: scanned with its subtree.</summary>
    public void AddTree(SyncPath path)
    {
        _trees.Add(path);
        Touch(complete: true);
    }

    /// <summary>Anything may have changed (an overflow, a watch that failed): the whole root is scanned.</summary>
    public void AddFull()
    {
        _full = true;
        Touch(complete: true);
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
        if (_leading && _completedAt >= 0)
        {
            var leading = LeadingDelay - TimeSpan.FromTicks(now - _completedAt);
            due = leading < due ? leading : due;
        }

        return due < TimeSpan.Zero ? TimeSpan.Zero : due;
    }

    /// <summary>
    /// The scans that cover the batch, and empties it. Nested subtrees and paths inside a scanned subtree are dropped.
    /// A file created less than a debounce ago and not closed yet stays for the next batch (its close is coming: a
    /// scan now would see it half written and scan it again after the close).
    /// </summary>
    public IReadOnlyList<ScanRequest> Take()
    {
        var now = _time.GetUtcNow().UtcTicks;
        var carried = _full ? [] : _open.Where(o => now - o.Value < Debounce.Ticks && !UnderTree(o.Key)).ToDictionary();
        try
        {
            if (_full)
            {
                return [ScanRequest.Full];
            }

            var trees = _trees.Where(t => !UnderTree(t.Parent)).Order().ToList();
            var paths = _paths.Where(p => !UnderTree(p) && !carried.ContainsKey(p)).Order().ToList();
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
            _open.Clear();
            _full = false;
            _started = false;
            foreach (var (path, created) in carried)
            {
                // The next batch starts with them, in the middle of the activity: no leading edge for it.
                _paths.Add(path);
                _open[path] = created;
                _started = true;
                _first = now;
                _leading = false;
            }
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

    private void Touch(bool complete)
    {
        var now = _time.GetUtcNow().UtcTicks;
        if (!_started)
        {
            // Leading when nothing happened for a whole debounce before it (the last event, flushed or not).
            _started = true;
            _first = now;
            _leading = _last == long.MinValue || now - _last >= Debounce.Ticks;
            _completedAt = -1;
        }

        if (complete && _leading && _completedAt < 0)
        {
            _completedAt = now;
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
