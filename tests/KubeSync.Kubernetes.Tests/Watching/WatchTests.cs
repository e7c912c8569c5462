using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Kubernetes.Watching;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Kubernetes.Tests.Watching;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_FromListVersion_GetsChangesAndBookmarks()
    {
        await using var cluster = await FakeCluster.StartAsync(new FakeKubeApiServerOptions { BookmarkInterval = TimeSpan.FromMilliseconds(100) });
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var list = await maps.ListAsync(null, null, CancellationToken.None).WithTimeout("list");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<WatchEvent<ConfigMap>>();

        var watching = Task.Run(async () =>
        {
            await foreach (var e in maps.WatchAsync(null, new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion }, stop.Token))
            {
                lock (seen)
                {
                    seen.Add(e);
                }

                if (e.Type == WatchEventType.Bookmark && seen.Any(s => s.Type == WatchEventType.Deleted))
                {
                    return;
                }
            }
        });
        await Eventually.TrueAsync(() => cluster.Server.Store.OpenWatches == 1, "watch open");
        var created = await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a" } }, CancellationToken.None).WithTimeout("create");
        await maps.DeleteAsync(null, "a", CancellationToken.None).WithTimeout("delete");
        await watching.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([WatchEventType.Added, WatchEventType.Deleted], seen.Where(e => e.Type != WatchEventType.Bookmark).Select(e => e.Type));
        Assert.Equal(created.Metadata.Uid, seen[0].Item!.Metadata.Uid);
        var bookmark = seen.Last(e => e.Type == WatchEventType.Bookmark);
        Assert.True(long.Parse(bookmark.Item!.Metadata.ResourceVersion!) >= long.Parse(seen.First(e => e.Type == WatchEventType.Deleted).Item!.Metadata.ResourceVersion!));
    }

    [Fact]
    public async Task Watch_LabelSelector_RelabelOutThenInIsDeletedThenAdded()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var map = await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a", Labels = new() { ["app"] = "web" } } }, CancellationToken.None).WithTimeout("create");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<WatchEventType>();
        var watching = Task.Run(async () =>
        {
            var options = new WatchOptions { ResourceVersion = map.Metadata.ResourceVersion, LabelSelector = "app=web", AllowBookmarks = false };
            await foreach (var e in maps.WatchAsync(null, options, stop.Token))
            {
                seen.Add(e.Type);
                if (seen.Count == 3)
                {
                    return;
                }
            }
        });

        // The live path: change only once the watch is open (the replay path has its own test below).
        await Eventually.TrueAsync(() => cluster.Server.Store.OpenWatches == 1 || watching.IsCompleted, "the watch to open");
        await RelabelOutAndBackInAsync(maps, map);
        await watching.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal([WatchEventType.Deleted, WatchEventType.Added, WatchEventType.Modified], seen);
    }

    /// <summary>The same changes replayed from history: a watch that connects after them must see what a live one sees.</summary>
    [Fact]
    public async Task Watch_LabelSelectorFromHistory_ReplaysDeletedThenAdded()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var map = await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "a", Labels = new() { ["app"] = "web" } } }, CancellationToken.None).WithTimeout("create");
        var from = map.Metadata.ResourceVersion;
        await RelabelOutAndBackInAsync(maps, map);

        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var seen = new List<WatchEventType>();
        await foreach (var e in maps.WatchAsync(null, new WatchOptions { ResourceVersion = from, LabelSelector = "app=web" }, stop.Token))
        {
            seen.Add(e.Type);
            if (seen.Count == 3)
            {
                break;
            }
        }

        Assert.Equal([WatchEventType.Deleted, WatchEventType.Added, WatchEventType.Modified], seen);
    }

    /// <summary>Moves the map out of <c>app=web</c>, changes it, moves it back, changes it: DELETED, nothing, ADDED, MODIFIED for an <c>app=web</c> watch.</summary>
    private static async Task RelabelOutAndBackInAsync(ResourceClient<ConfigMap> maps, ConfigMap map)
    {
        map.Metadata.Labels!["app"] = "db";
        map = await maps.ReplaceAsync(map, CancellationToken.None).WithTimeout("relabel out");
        map.Data = new() { ["k"] = "v" };
        map = await maps.ReplaceAsync(map, CancellationToken.None).WithTimeout("change while out");
        map.Metadata.Labels!["app"] = "web";
        map = await maps.ReplaceAsync(map, CancellationToken.None).WithTimeout("relabel in");
        map.Data!["k"] = "w";
        await maps.ReplaceAsync(map, CancellationToken.None).WithTimeout("change while in");
    }

    [Fact]
    public async Task Watch_HttpGone_ThrowsGone()
    {
        await using var cluster = await FakeCluster.StartAsync();
        cluster.Server.RejectWatches(1, 410);
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);

        async Task WatchAsync()
        {
            await foreach (var e in maps.WatchAsync(null, new WatchOptions { ResourceVersion = "1" }, CancellationToken.None))
            {
                Assert.Fail($"unexpected event {e.Type}");
            }
        }

        var error = await Assert.ThrowsAsync<KubeGoneException>(WatchAsync).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("Expired", error.Reason);
    }

    [Fact]
    public async Task Watch_SilentConnection_ThrowsTimeoutAfterIdleTimeout()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var list = await maps.ListAsync(null, null, CancellationToken.None).WithTimeout("list");
        var options = new WatchOptions { ResourceVersion = list.Metadata.ResourceVersion, AllowBookmarks = false, IdleTimeout = TimeSpan.FromMilliseconds(300) };

        async Task WatchAsync()
        {
            await foreach (var e in maps.WatchAsync(null, options, CancellationToken.None))
            {
                Assert.Fail($"unexpected event {e.Type}");
            }
        }

        var watching = Task.Run(WatchAsync);
        await Eventually.TrueAsync(() => cluster.Server.Store.OpenWatches == 1 || watching.IsCompleted, "watch open");
        cluster.Server.SilenceWatches();

        await Assert.ThrowsAsync<TimeoutException>(() => watching).WaitAsync(TimeSpan.FromSeconds(20));
    }
}
