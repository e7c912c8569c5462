using System.Collections.Concurrent;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Watching;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Tests.Watching;

public sealed class ReflectorTests : IAsyncDisposable
{
    private static readonly ReflectorOptions FastOptions = new()
    {
        Namespace = "default",
        // Ten bookmark intervals: a loaded CI machine must not make a healthy watch look idle.
        IdleTimeout = TimeSpan.FromSeconds(2),
        MinBackoff = TimeSpan.FromMilliseconds(20),
        MaxBackoff = TimeSpan.FromMilliseconds(100),
    };

    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<(WatchEventType Type, string Name)> _events = new();
    private FakeCluster _cluster = null!;
    private Task _running = Task.CompletedTask;

    private int Lists => _cluster.Server.Requests.Count(r => r.StartsWith("GET /api/v1/namespaces/default/configmaps?limit", StringComparison.Ordinal));

    private int Watches => _cluster.Server.Requests.Count(r => r.Contains("watch=true", StringComparison.Ordinal));

    [Fact]
    public async Task Run_ListThenWatch_MirrorsAddModifyDelete()
    {
        var reflector = await StartAsync("before");
        var maps = _cluster.Client.Resource(KubeResources.ConfigMaps);

        var made = await maps.CreateAsync(Map("later"), CancellationToken.None).WithTimeout("create");
        made.Data = new() { ["k"] = "v" };
        await maps.ReplaceAsync(made, CancellationToken.None).WithTimeout("replace");
        await maps.DeleteAsync(null, "before", CancellationToken.None).WithTimeout("delete");
        await Eventually.TrueAsync(() => _events.Count == 4, "four events");

        Assert.Equal(
            [(WatchEventType.Added, "before"), (WatchEventType.Added, "later"), (WatchEventType.Modified, "later"), (WatchEventType.Deleted, "before")],
            _events.ToArray());
        Assert.Equal("v", reflector.Find("default", "later")!.Data!["k"]);
        Assert.Null(reflector.Find("default", "before"));
    }

    [Fact]
    public async Task Run_HandlerFailsWithApiError_EventDeliveredAgain()
    {
        _cluster = await FakeCluster.StartAsync();
        var maps = _cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(Map("a"), CancellationToken.None).WithTimeout("seed");
        var calls = 0;
        var reflector = new Reflector<ConfigMap>(
            maps,
            FastOptions,
            (e, _) =>
            {
                // The first delivery fails the way a reconcile's API call can; the reflector must not lose the event.
                return Interlocked.Increment(ref calls) == 1
                    ? throw new KubeSync.Kubernetes.Rest.KubeConflictException("conflict (test)")
                    : ValueTask.CompletedTask;
            },
            TimeProvider.System,
            NullLogger<Reflector<ConfigMap>>.Instance);
        _running = Task.Run(() => reflector.RunAsync(_stop.Token));

        await reflector.Synced.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(2, calls);
        Assert.NotNull(reflector.Find("default", "a"));
    }

    [Fact]
    public async Task Run_CleanEndOfStream_WatchesAgainWithoutRelisting()
    {
        await StartAsync("a");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");

        _cluster.Server.EndWatches();
        await Eventually.TrueAsync(() => Watches == 2 && _cluster.Server.Store.OpenWatches == 1, "second watch");
        await _cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(Map("b"), CancellationToken.None).WithTimeout("create");
        await Eventually.TrueAsync(() => _events.Contains((WatchEventType.Added, "b")), "b seen");

        Assert.Equal(1, Lists);
    }

    [Fact]
    public async Task Run_WatchRejectedWith503_BacksOffAndRecoversWithoutRelist()
    {
        await StartAsync(TimeProvider.System, TimeSpan.FromMilliseconds(200), rejectWatches: 3, "a");

        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open after the failures");
        await _cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(Map("b"), CancellationToken.None).WithTimeout("create");
        await Eventually.TrueAsync(() => _events.Contains((WatchEventType.Added, "b")), "b seen");

        Assert.Equal(1, Lists);
        Assert.Equal(4, Watches);
    }

    [Fact]
    public async Task Run_WatchesEndingAtOnce_BackOffInsteadOfSpinning()
    {
        await StartAsync("a");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");

        _cluster.Server.EndNextWatchesAtOnce(5);
        var started = DateTime.UtcNow;
        _cluster.Server.EndWatches();
        await Eventually.TrueAsync(() => Watches == 7 && _cluster.Server.Store.OpenWatches == 1, "a lasting watch after five empty ones");

        // Backoff from 20 ms doubling to 100 ms, jitter down to 75 %: at least 0.75 x (20 + 40 + 80 + 100 + 100) ms.
        Assert.True(DateTime.UtcNow - started >= TimeSpan.FromMilliseconds(250), $"reopened five empty watches in {DateTime.UtcNow - started}");
        Assert.Equal(1, Lists);
    }

    [Fact]
    public async Task Run_ErrorEvent410_Relists()
    {
        await StartAsync("a");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");

        _cluster.Server.FailWatches(410, "Expired", "too old resource version");
        await Eventually.TrueAsync(() => Lists == 2, "relist");

        Assert.Equal([(WatchEventType.Added, "a")], _events.ToArray());
    }

    [Fact]
    public async Task Run_HttpGoneOnRewatch_Relists()
    {
        await StartAsync("a");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");

        _cluster.Server.RejectWatches(1, 410);
        _cluster.Server.EndWatches();
        await Eventually.TrueAsync(() => Lists == 2 && _cluster.Server.Store.OpenWatches == 1, "relist and watch");

        Assert.Equal(3, Watches);
    }

    [Fact]
    public async Task Run_SilentWatchThenCompaction_RelistsWithSyntheticDelete()
    {
        var reflector = await StartAsync("keep", "vanish");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");
        var maps = _cluster.Client.Resource(KubeResources.ConfigMaps);

        _cluster.Server.SilenceWatches();
        await maps.DeleteAsync(null, "vanish", CancellationToken.None).WithTimeout("delete");
        _cluster.Server.Store.Compact();
        await Eventually.TrueAsync(() => _events.Contains((WatchEventType.Deleted, "vanish")), "synthetic delete");

        Assert.Equal(2, Lists);
        Assert.Equal(["keep"], reflector.Items.Select(m => m.Metadata.Name));
    }

    [Fact]
    public async Task SinceLastEvent_ClockMovesThenEventArrives_GrowsThenResets()
    {
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        // No bookmarks: one arriving between the clock move and the read would reset the age.
        var reflector = await StartAsync(clock, TimeSpan.FromHours(1), 0, "a");
        await Eventually.TrueAsync(() => _cluster.Server.Store.OpenWatches == 1, "watch open");

        clock.Advance(TimeSpan.FromSeconds(42));
        var stuck = reflector.SinceLastEvent;
        await _cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(Map("b"), CancellationToken.None).WithTimeout("create");
        await Eventually.TrueAsync(() => reflector.SinceLastEvent == TimeSpan.Zero, "reset by the event");

        Assert.Equal(TimeSpan.FromSeconds(42), stuck);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _running).WaitAsync(TimeSpan.FromSeconds(10));
        await _cluster.DisposeAsync();
        _stop.Dispose();
    }

    private static ConfigMap Map(string name) => new() { Metadata = new ObjectMeta { Name = name } };

    private Task<Reflector<ConfigMap>> StartAsync(params string[] existing) => StartAsync(TimeProvider.System, TimeSpan.FromMilliseconds(200), 0, existing);

    private async Task<Reflector<ConfigMap>> StartAsync(TimeProvider clock, TimeSpan bookmarkInterval, int rejectWatches, params string[] existing)
    {
        _cluster = await FakeCluster.StartAsync(new FakeKubeApiServerOptions { BookmarkInterval = bookmarkInterval });
        foreach (var name in existing)
        {
            await _cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(Map(name), CancellationToken.None).WithTimeout("seed");
        }

        _cluster.Server.RejectWatches(rejectWatches, 503);
        var reflector = new Reflector<ConfigMap>(
            _cluster.Client.Resource(KubeResources.ConfigMaps),
            FastOptions,
            (e, _) =>
            {
                _events.Enqueue((e.Type, e.Item!.Metadata.Name!));
                return ValueTask.CompletedTask;
            },
            clock,
            NullLogger<Reflector<ConfigMap>>.Instance);
        _running = Task.Run(() => reflector.RunAsync(_stop.Token));
        await reflector.Synced.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(reflector.HasSynced);
        return reflector;
    }
}
