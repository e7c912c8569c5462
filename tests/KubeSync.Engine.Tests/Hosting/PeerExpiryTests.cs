using KubeSync.Engine.Configuration;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Metrics;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Peers;
using KubeSync.Engine.State;
using KubeSync.Engine.Tests.Watching;
using KubeSync.Testing;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Engine.Tests.Hosting;

/// <summary>The daemon's sweep over a real group: static peers stay, others go after the expiry, logged and counted.</summary>
public sealed class PeerExpiryTests : IDisposable
{
    private static readonly TimeSpan Expiry = TimeSpan.FromHours(1);

    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ListLogger _log = new();
    private readonly KubeSyncMetrics _metrics = new();
    private readonly GroupRuntime _group;

    public PeerExpiryTests()
    {
        Directory.CreateDirectory(_dir.Combine("root"));
        var yaml = $"node: web-0\ngroups:\n  - {{name: web, root: \"{_dir.Combine("root")}\", peers: {{static: [static-1=127.0.0.1:1]}}}}\n";
        var config = ConfigLoader.Load(yaml, null, new Dictionary<string, string>());
        _group = new GroupRuntime(LocalGroup.Open(config, config.Groups[0], _clock), new byte[32], new SyncTuning(), NullLoggerFactory.Instance, _clock, _metrics);
        _metrics.Attach([_group], null);
        using var batch = Store.BeginBatch();
        batch.EnsurePeers([("pod-old", null), ("pod-dns", "10.0.0.9:30865")]);
        batch.RecordLocal(new LocalObservation(SyncPath.Parse("a.txt"), new FileStat(EntryType.File, 1, 1_000_000_000, 0x81A4, 1000, 1000, 7, 1), new byte[32], null, false), markDirty: true);
        batch.Commit();
    }

    private StateStore Store => _group.Group.Store;

    public void Dispose()
    {
        _group.Group.Dispose();
        _group.Dispose();
        _metrics.Dispose();
        _dir.Dispose();
    }

    [Theory]
    [InlineData(3600_000, 60_000)]
    [InlineData(120_000, 30_000)]
    [InlineData(1_000, 250)]
    public void Period_IsAQuarterOfTheExpiry_AtMostAMinute(long expiryMs, long periodMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(periodMs), new PeerExpiry([], TimeSpan.FromMilliseconds(expiryMs), _clock, _log).Period);

    [Fact]
    public async Task SweepAsync_PeersUnseenForTheExpiry_ForgottenExceptStatic_LoggedAndCounted()
    {
        var expiry = new PeerExpiry([_group], Expiry, _clock, _log, _metrics);

        Assert.Empty(await expiry.SweepAsync(_group, CancellationToken.None));
        _clock.Advance(Expiry - TimeSpan.FromMinutes(1));
        Assert.Empty(await expiry.SweepAsync(_group, CancellationToken.None));
        Assert.Equal(0, ForgottenCount());

        _clock.Advance(TimeSpan.FromMinutes(2));
        var forgotten = await expiry.SweepAsync(_group, CancellationToken.None);

        Assert.Equal(["pod-dns", "pod-old"], forgotten.Select(f => f.Node));
        Assert.All(forgotten, f => Assert.Equal(1, f.DirtyDropped));
        Assert.Equal(["static-1"], Store.ReadPeers().Select(p => p.Node));
        Assert.Equal(["static-1"], Store.ReadDirty().Select(d => d.Peer));
        Assert.Equal(2, ForgottenCount());
        Assert.Equal(2, _log.Lines.Count(l => l.Level == LogLevel.Information && l.Message.Contains("forgot peer pod-", StringComparison.Ordinal)));
        Assert.Contains(_log.Lines, l => l.Message.Contains("forgot peer pod-dns (10.0.0.9:30865)", StringComparison.Ordinal) && l.Message.Contains("dropped 1 dirty marks", StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Message.Contains("forgot peer pod-old (incoming)", StringComparison.Ordinal));

        // The static peer, unseen for far longer than the expiry, is never forgotten.
        _clock.Advance(Expiry * 24);
        Assert.Empty(await expiry.SweepAsync(_group, CancellationToken.None));
        Assert.Equal(["static-1"], Store.ReadPeers().Select(p => p.Node));
    }

    [Fact]
    public async Task SweepAsync_MemberItselfWasDown_ForgetsNobodyUntilItHasRunForTheExpiry()
    {
        using (var batch = Store.BeginBatch())
        {
            batch.SetPeerProgress("pod-old", 5);
            batch.Commit();
        }

        // The member was stopped for a day; pod-old was last seen before that.
        _clock.Advance(TimeSpan.FromDays(1));
        var expiry = new PeerExpiry([_group], Expiry, _clock, _log, _metrics);

        Assert.Empty(await expiry.SweepAsync(_group, CancellationToken.None));
        _clock.Advance(Expiry - TimeSpan.FromSeconds(1));
        Assert.Empty(await expiry.SweepAsync(_group, CancellationToken.None));
        Assert.Equal(["pod-dns", "pod-old", "static-1"], Store.ReadPeers().Select(p => p.Node));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(["pod-old"], (await expiry.SweepAsync(_group, CancellationToken.None)).Select(f => f.Node));
    }

    [Fact]
    public async Task RunAsync_SweepsEveryPeriodOfTheClock()
    {
        var expiry = new PeerExpiry([_group], Expiry, _clock, _log, _metrics);
        using var stop = new CancellationTokenSource();
        var loop = expiry.RunAsync(stop.Token);

        // Each wait for a pending timer is the loop waiting on the clock: then the next period may pass.
        for (var elapsed = TimeSpan.Zero; elapsed <= Expiry + expiry.Period; elapsed += expiry.Period)
        {
            await Eventually.TrueAsync(() => _clock.PendingTimers > 0, "the sweep loop to wait for its next period");
            _clock.Advance(expiry.Period);
        }

        await Eventually.TrueAsync(() => Store.ReadPeers().Count == 1, "the loop to forget pod-old and pod-dns");
        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(2, ForgottenCount());
    }

    private double ForgottenCount() =>
        _metrics.Collector.Collect().Single(f => f.Name == "kubesync_peers_forgotten").Points
            .Single(p => p.Labels.Contains(new KeyValuePair<string, string>("group", "web"))).Value;
}
