using System.Threading.Channels;

namespace KubeSync.Operator.Queueing;

/// <summary>
/// Keys (<c>namespace/name</c>) waiting to be reconciled. A key is queued at most once, is never handed to two workers
/// at a time (one added while it is being processed runs again right after), and can be added after a delay (the
/// earliest asked-for time wins).
/// </summary>
public sealed class WorkBacklog(TimeProvider timeProvider) : IDisposable
{
    private readonly Lock _lock = new();
    private readonly Channel<string> _ready = Channel.CreateUnbounded<string>();
    private readonly HashSet<string> _queued = [];
    private readonly HashSet<string> _processing = [];
    private readonly HashSet<string> _again = [];
    private readonly Dictionary<string, (DateTimeOffset Due, ITimer Timer)> _delayed = [];

    /// <summary>Keys waiting now, not counting delayed ones.</summary>
    public int Depth
    {
        get
        {
            lock (_lock)
            {
                return _queued.Count;
            }
        }
    }

    public void Add(string key)
    {
        lock (_lock)
        {
            if (_processing.Contains(key))
            {
                _again.Add(key);
            }
            else if (_queued.Add(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void AddAfter(string key, TimeSpan delay)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_lock)
        {
            var due = timeProvider.GetUtcNow() + delay;
            if (_delayed.TryGetValue(key, out var existing))
            {
                if (existing.Due <= due)
                {
                    return;
                }

                existing.Timer.Dispose();
            }

            _delayed[key] = (due, timeProvider.CreateTimer(_ => Fire(key, due), null, delay, Timeout.InfiniteTimeSpan));
        }
    }

    /// <summary>The next key; the caller must call <see cref="Done"/> with it.</summary>
    public async ValueTask<string> TakeAsync(CancellationToken cancellationToken)
    {
        var key = await _ready.Reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        lock (_lock)
        {
            _queued.Remove(key);
            _processing.Add(key);
        }

        return key;
    }

    public void Done(string key)
    {
        lock (_lock)
        {
            _processing.Remove(key);
            if (_again.Remove(key) && _queued.Add(key))
            {
                _ready.Writer.TryWrite(key);
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var (_, timer) in _delayed.Values)
            {
                timer.Dispose();
            }

            _delayed.Clear();
            _ready.Writer.TryComplete();
        }
    }

    private void Fire(string key, DateTimeOffset due)
    {
        lock (_lock)
        {
            if (!_delayed.TryGetValue(key, out var entry) || entry.Due != due)
            {
                return;
            }

            entry.Timer.Dispose();
            _delayed.Remove(key);
        }

        Add(key);
    }
}
