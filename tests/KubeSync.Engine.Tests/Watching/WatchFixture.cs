using System.Collections.Concurrent;

using KubeSync.Engine.Applying;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;
using KubeSync.Engine.State;
using KubeSync.Engine.Tests.Scanning;
using KubeSync.Engine.Watching;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Watching;

/// <summary>
/// A group over a real temp directory, scanned once, with an <see cref="InotifyWatcher"/> whose flushes run the real
/// scanner. The test thread and the watcher's scans share the store through <see cref="Gate"/> (one SQLite connection).
/// </summary>
internal sealed class WatchFixture : IAsyncDisposable
{
    private readonly ScanFixture _scan;
    private readonly ConcurrentQueue<ScanRequest> _requests = new();
    private InotifyWatcher? _watcher;

    public WatchFixture(string extraGroupYaml = "")
    {
        _scan = new ScanFixture(extraGroupYaml);
    }

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public ListLogger Log { get; } = new();

    public ScanFixture Files => _scan;

    public InotifyWatcher Watcher => _watcher ?? throw new InvalidOperationException("not started");

    /// <summary>Every scan the watcher asked for, in order.</summary>
    public IReadOnlyList<ScanRequest> Requests => [.. _requests];

    /// <summary>Scans the tree once (as the daemon does at start), then starts a watcher.</summary>
    public InotifyWatcher Start(TimeSpan? debounce = null, Func<SyncPath?, int>? addWatchFault = null, Func<int>? initFault = null, AppliedWrites? ownWrites = null, TimeSpan? burstPause = null, TimeSpan? idleWake = null)
    {
        _scan.Scan();
        var group = _scan.Group;
        var scanner = new Scanner(group, time: _scan.Clock);
        _watcher = new InotifyWatcher(group.Config.Name, group.Root, group.Rules, ScanAsync, debounce ?? TimeSpan.FromMilliseconds(20), Log, ownWrites: ownWrites)
        {
            AddWatchFault = addWatchFault,
            InitFault = initFault,
            BurstPause = burstPause ?? TimeSpan.FromMilliseconds(1),
            IdleWake = idleWake ?? TimeSpan.FromSeconds(1),
        };
        _watcher.Start();
        return _watcher;

        async Task ScanAsync(ScanRequest request, CancellationToken ct)
        {
            _requests.Enqueue(request);
            await Gate.WaitAsync(ct);
            try
            {
                scanner.Scan(request, null, ct);
            }
            finally
            {
                Gate.Release();
            }
        }
    }

    public string Write(string relative, string content) => _scan.Write(relative, content);

    public string Full(string relative) => _scan.Full(relative);

    public T Read<T>(Func<StateStore, T> read)
    {
        Gate.Wait();
        try
        {
            return read(_scan.Store);
        }
        finally
        {
            Gate.Release();
        }
    }

    public FileRecord? Row(string path) => Read(s => s.Get(SyncPath.Parse(path)));

    public bool IsLive(string path) => Row(path) is { Deleted: false };

    public bool IsTombstone(string path) => Row(path) is { Deleted: true };

    /// <summary>Waits until every path is recorded as live.</summary>
    public Task AllLiveAsync(IEnumerable<string> paths, string what)
    {
        var list = paths.ToList();
        return Eventually.TrueAsync(() => list.All(IsLive), what, TimeSpan.FromSeconds(15));
    }

    public async ValueTask DisposeAsync()
    {
        if (_watcher is not null)
        {
            await _watcher.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(15));
        }

        await Gate.WaitAsync(TimeSpan.FromSeconds(15));
        _scan.Dispose();
        Gate.Dispose();
    }
}
