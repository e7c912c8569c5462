using System.Collections.Concurrent;
using System.Threading.Channels;

using KubeSync.Engine.Applying;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Scanning;
using KubeSync.Engine.State;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Engine.Watching;

/// <summary>
/// Change detection by inotify (DESIGN 3.3), one per group: a watch on every directory of the root that the rules
/// do not exclude, read on a thread of its own; the changed paths are deduplicated, debounced and handed to the
/// scanner, which records what really changed. Our own applied writes need no suppression: the applier's temp
/// names are excluded, and its rename is recorded with the new stat under the group's gate before the scanner
/// can look, so the scan finds nothing new. An overflow re-establishes the watches and rescans everything; when
/// inotify is unavailable (watch or instance limits) the group falls back to the daemon's periodic rescan.
/// </summary>
public sealed partial class InotifyWatcher : IAsyncDisposable
{
    private readonly string _root;
    private SyncRules _rules;
    private SyncRules? _newRules;
    private long _newDebounceTicks = -1;
    private readonly Func<ScanRequest, CancellationToken, Task> _scan;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ChangeBatch _batch;
    private readonly ConcurrentQueue<uint> _injected = new();
    private readonly Channel<IReadOnlyList<ScanRequest>> _flushes = Channel.CreateUnbounded<IReadOnlyList<ScanRequest>>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _readingEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _stop = new();
    private Task _scanLoop = Task.CompletedTask;
    private volatile WatchState _state;
    private volatile bool _stopping;

    /// <summary>On the reading thread: the last wait read a wake-up (a stop, an update) since the loop last went round.</summary>
    private bool _woken;

    private volatile bool _scanning;
    private int _started;
    private int _stopCalls;
    private readonly AppliedWrites? _ownWrites;
    private long _overflows;
    private long _watchLimitHits;
    private long _watchFailures;
    private long _flushCount;
    private long _eventReads;
    private long _scanFailures;
    private long _lastActivityTicks;

    /// <summary>Watches <paramref name="group"/>'s root and scans what changes through <see cref="GroupRuntime.ScanAsync"/>.</summary>
    /// <param name="debounce"><c>timing.debounce</c>: the quiet time before collected changes are scanned.</param>
    public InotifyWatcher(GroupRuntime group, TimeSpan debounce, ILogger<InotifyWatcher>? logger = null, TimeProvider? time = null)
        : this(group.Name, group.Group.Root, group.Rules, group.ScanAsync, debounce, logger, time ?? group.Time, group.Applier.Writes)
    {
    }

    internal InotifyWatcher(string group, string root, SyncRules rules, Func<ScanRequest, CancellationToken, Task> scan, TimeSpan debounce, ILogger? logger = null, TimeProvider? time = null, AppliedWrites? ownWrites = null)
    {
        Group = group;
        _ownWrites = ownWrites;
        _root = root;
        _rules = rules;
        _scan = scan;
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _batch = new ChangeBatch(_time, debounce);
        _lastActivityTicks = _time.GetUtcNow().UtcTicks;
    }

    public string Group { get; }

    public WatchState State => _state;

    /// <summary>Directories watched now.</summary>
    public int WatchCount => Volatile.Read(ref _watchCount);

    /// <summary>Times the kernel's event queue overflowed (each one costs a full rescan).</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    /// <summary>Called on the reading thread after each event queue overflow (the daemon counts it in metrics); must be quick.</summary>
    public Action? Overflowed { get; init; }

    /// <summary>Times <c>fs.inotify.max_user_watches</c> (or <c>max_user_instances</c>) was hit.</summary>
    public long WatchLimitHits => Interlocked.Read(ref _watchLimitHits);

    /// <summary>Watches that failed for another reason (each one costs a full rescan).</summary>
    public long WatchFailures => Interlocked.Read(ref _watchFailures);

    /// <summary>Completes when the reading loop's thread has left the loop (a stop gives up waiting for it after 10 s).</summary>
    internal Task ReadingEnded => _readingEnded.Task;

    /// <summary>Times the reading loop woke and found events (a burst is read in groups, see <see cref="BurstPause"/>).</summary>
    internal long EventReads => Interlocked.Read(ref _eventReads);

    /// <summary>Batches of changes handed to the scanner and scanned.</summary>
    public long Flushes => Interlocked.Read(ref _flushCount);

    /// <summary>Scans of watched changes that failed (the periodic rescan retries them).</summary>
    public long ScanFailures => Interlocked.Read(ref _scanFailures);

    /// <summary>Why the watcher fell back to periodic scanning, when it did.</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Last time the reading loop ran (it wakes at least every <see cref="IdleWake"/>), for health checks.</summary>
    public DateTimeOffset LastActivity => new(Interlocked.Read(ref _lastActivityTicks), TimeSpan.Zero);

    /// <summary>How often an idle reading loop wakes to show it is alive.</summary>
    public TimeSpan IdleWake { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Once reads follow each other within twice this, how long the loop waits after a read before the next one (a
    /// stop or an update still wakes it, and a batch that is due is not held back): the first events of a quiet
    /// tree are handled at once, and a burst is read in groups.
    /// </summary>
    public TimeSpan BurstPause { get; init; } = TimeSpan.FromMilliseconds(1);

    /// <summary>Completes when the watcher stops or falls back; faults when its loop failed unexpectedly.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Test seam: an errno to fail <c>inotify_add_watch</c> with for a directory (0: call it).</summary>
    internal Func<SyncPath?, int>? AddWatchFault { get; init; }

    /// <summary>Test seam: an errno to fail <c>inotify_init1</c> with (0: call it).</summary>
    internal Func<int>? InitFault { get; init; }

    /// <summary>
    /// Watches every directory, then starts the reading loop. Returns once the watches are in place, so a full scan
    /// started afterwards cannot miss a change. Falls back to periodic scanning (and returns) when inotify is unavailable.
    /// </summary>
    public void Start()
    {
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("the watcher is already started");
        }

        if (!OpenInotify() || !WatchTree(null))
        {
            _completion.TrySetResult();
            return;
        }

        _batch.Take();
        OpenWake();
        _state = WatchState.Watching;
        WatchLog.Watching(_logger, Group, WatchCount, (long)_batch.Debounce.TotalMilliseconds);
        _scanLoop = Task.Run(() => ScanLoopAsync(_stop.Token));
        var thread = new Thread(Run) { IsBackground = true, Name = "inotify " + Group };
        thread.Start();
    }

    /// <summary>Stops the reading loop and abandons pending changes (the next start scans everything).</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopCalls, 1) != 0)
        {
            return;
        }

        _stopping = true;
        Wake();
        if (_state is WatchState.Watching)
        {
            await _completion.Task.WaitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _scanLoop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (_completion.Task.IsCompleted)
        {
            CloseInotify();
            CloseWake();
        }

        if (_state is not WatchState.Failed and not WatchState.PeriodicFallback)
        {
            _state = WatchState.Stopped;
        }

        _completion.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    /// <summary>
    /// New sync rules (a config reload): the reading loop watches the tree again under them and rescans everything,
    /// so newly included files are found and newly excluded ones leave the state. False when the watcher is not
    /// watching (fallen back or stopped): the caller must ask for the rescan itself.
    /// </summary>
    public bool UpdateRules(SyncRules rules)
    {
        Volatile.Write(ref _newRules, rules);
        Wake();
        return _state == WatchState.Watching;
    }

    /// <summary>A new <c>timing.debounce</c> (a config reload), used from the next batch on.</summary>
    public void UpdateDebounce(TimeSpan debounce)
    {
        Interlocked.Exchange(ref _newDebounceTicks, debounce.Ticks);
        Wake();
    }

    /// <summary>On the reading thread: takes what <see cref="UpdateRules"/> and <see cref="UpdateDebounce"/> left.</summary>
    private void ApplyUpdates()
    {
        if (Interlocked.Exchange(ref _newDebounceTicks, -1) is var ticks and >= 0)
        {
            _batch.Debounce = TimeSpan.FromTicks(ticks);
        }

        if (Interlocked.Exchange(ref _newRules, null) is { } rules)
        {
            _rules = rules;
            _reestablishWanted = true;
        }
    }

    /// <summary>Test seam: handles <paramref name="mask"/> (with no watch or name) on the reading thread, as if the kernel had sent it.</summary>
    internal void Inject(uint mask)
    {
        _injected.Enqueue(mask);
        Wake();
    }

    private void Touched() => Interlocked.Exchange(ref _lastActivityTicks, _time.GetUtcNow().UtcTicks);

    /// <summary>Runs the flushed batches through the scanner, one at a time; the reading loop keeps collecting meanwhile.</summary>
    private async Task ScanLoopAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var requests in _flushes.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                foreach (var request in requests)
                {
                    try
                    {
                        await _scan(request, ct).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException or StateStoreException)
                    {
                        Interlocked.Increment(ref _scanFailures);
                        WatchLog.ScanFailed(_logger, Group, e.Message);
                    }
                }

                Interlocked.Increment(ref _flushCount);
                _scanning = false;
                Wake();
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        catch (Exception e)
        {
            Fail(e);
        }
    }

    private void Fail(Exception e)
    {
        WatchLog.LoopFailed(_logger, Group, e.Message);
        _state = WatchState.Failed;
        _stopping = true;
        Wake();
        _completion.TrySetException(e);
    }
}
