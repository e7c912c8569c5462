using System.Text.RegularExpressions;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Leadership;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Tests.Leadership;

public sealed partial class LeaderElectorTests : IAsyncDisposable
{
    private readonly List<IDisposable> _owned = [];
    private readonly CancellationTokenSource _stop = new();
    private FakeCluster _cluster = null!;

    [Fact]
    public async Task Run_TwoElectorsRace_ExactlyOneLeads()
    {
        _cluster = await FakeCluster.StartAsync();
        var (a, _) = Elector("a");
        var (b, _) = Elector("b");
        var runA = a.RunAsync(WorkUntilCancelled, _stop.Token);
        var runB = b.RunAsync(WorkUntilCancelled, _stop.Token);

        await Eventually.TrueAsync(() => a.IsLeader || b.IsLeader, "a leader");
        var leader = a.IsLeader ? "a" : "b";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(1.5);
        while (DateTime.UtcNow < deadline)
        {
            Assert.False(a.IsLeader && b.IsLeader, "two leaders at once");
            await Task.Delay(20);
        }

        Assert.Equal(leader, (await Lease()).Spec!.HolderIdentity);
        Assert.True(a.IsLeader ^ b.IsLeader);
        await _stop.CancelAsync();
        await Task.WhenAll(runA, runB).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_WinnerStopsRenewing_WinnerStopsWorkAndLoserTakesOver()
    {
        _cluster = await FakeCluster.StartAsync();
        var (first, firstNetwork) = Elector("first");
        var firstWorkStopped = new TaskCompletionSource();
        var runFirst = first.RunAsync(async ct => { await WorkUntilCancelled(ct).ContinueWith(_ => firstWorkStopped.SetResult(), TaskScheduler.Default); }, _stop.Token);
        await Eventually.TrueAsync(() => first.IsLeader, "first leads");
        var (second, _) = Elector("second");
        var runSecond = second.RunAsync(WorkUntilCancelled, _stop.Token);

        firstNetwork.Partitioned = true;
        await firstWorkStopped.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await runFirst.WaitAsync(TimeSpan.FromSeconds(10));
        await Eventually.TrueAsync(() => second.IsLeader, "second takes over");

        var lease = await Lease();
        Assert.Equal("second", lease.Spec!.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
        Assert.True(first.Errors > 0);
        Assert.False(first.IsLeader);
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runSecond).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_ApiServerHangs_LeaderStopsByTheRenewDeadlineNotTheRequestTimeout()
    {
        _cluster = await FakeCluster.StartAsync();
        var (leader, network) = Elector("leader");
        var workStopped = new TaskCompletionSource();
        var run = leader.RunAsync(async ct => { await WorkUntilCancelled(ct).ContinueWith(_ => workStopped.SetResult(), TaskScheduler.Default); }, _stop.Token);
        await Eventually.TrueAsync(() => leader.IsLeader, "leads");

        network.Hung = true;
        var hungAt = DateTime.UtcNow;
        await workStopped.Task.WaitAsync(TimeSpan.FromSeconds(20));
        var stoppedAfter = DateTime.UtcNow - hungAt;

        Assert.True(stoppedAfter < TimeSpan.FromSeconds(5), $"work stopped {stoppedAfter} after the hang; the request timeout is 30 s, the renew deadline 1.2 s");
        Assert.False(leader.IsLeader);
        Assert.True(leader.Errors > 0);
        await run.WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Run_GracefulShutdown_ReleasesSoTheNextTakesOverAtOnce()
    {
        _cluster = await FakeCluster.StartAsync();
        var (first, _) = Elector("first", leaseDuration: TimeSpan.FromSeconds(30));
        using var stopFirst = new CancellationTokenSource();
        var runFirst = first.RunAsync(WorkUntilCancelled, stopFirst.Token);
        await Eventually.TrueAsync(() => first.IsLeader, "first leads");

        await stopFirst.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runFirst).WaitAsync(TimeSpan.FromSeconds(10));
        var released = await Lease();
        var (second, _) = Elector("second", leaseDuration: TimeSpan.FromSeconds(30));
        var runSecond = second.RunAsync(WorkUntilCancelled, _stop.Token);
        await Eventually.TrueAsync(() => second.IsLeader, "second leads well before 30 s", TimeSpan.FromSeconds(10));

        Assert.Null(released.Spec!.HolderIdentity);
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => runSecond).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Run_WorkThrows_RethrowsAndReleases()
    {
        _cluster = await FakeCluster.StartAsync();
        var (elector, _) = Elector("a", leaseDuration: TimeSpan.FromSeconds(30));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(
            () => elector.RunAsync(_ => throw new InvalidOperationException("reconciler bug"), _stop.Token)).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal("reconciler bug", error.Message);
        Assert.Null((await Lease()).Spec!.HolderIdentity);
        Assert.False(elector.IsLeader);
    }

    [Fact]
    public async Task Run_Leading_LeaseTimesAreMicroTime()
    {
        _cluster = await FakeCluster.StartAsync();
        var (elector, _) = Elector("a");
        var run = elector.RunAsync(WorkUntilCancelled, _stop.Token);
        await Eventually.TrueAsync(() => elector.IsLeader, "leads");

        var raw = _cluster.Server.Store.Find(_cluster.Server.Resources.Find("coordination.k8s.io", "v1", "leases")!, "default", "kubesync-operator")!;

        Assert.Matches(MicroTime(), raw["spec"]!["renewTime"]!.GetValue<string>());
        Assert.Matches(MicroTime(), raw["spec"]!["acquireTime"]!.GetValue<string>());
        await _stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Validate_RenewDeadlineNotBelowDuration_ThrowsNamingBoth()
    {
        var options = new LeaderElectionOptions("ns", "lease", "me") { LeaseDuration = TimeSpan.FromSeconds(5), RenewDeadline = TimeSpan.FromSeconds(5) };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("LeaseDuration", error.Message, StringComparison.Ordinal);
        Assert.Contains("RenewDeadline", error.Message, StringComparison.Ordinal);
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        await _cluster.DisposeAsync();
        _stop.Dispose();
    }

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$")]
    private static partial Regex MicroTime();

    private static Task WorkUntilCancelled(CancellationToken cancellationToken) => Task.Delay(Timeout.Infinite, cancellationToken);

    private async Task<Lease> Lease() =>
        await _cluster.Client.Resource(KubeResources.Leases).GetAsync("default", "kubesync-operator", CancellationToken.None).WithTimeout("lease");

    private (LeaderElector Elector, PartitionHandler Network) Elector(string identity, TimeSpan? leaseDuration = null)
    {
        var network = new PartitionHandler(KubeHttpHandlerFactory.Create(FakeCluster.ConfigFor(_cluster.Server), TimeProvider.System));
        var client = new KubeApiClient(network, _cluster.Server.BaseAddress, "default", TimeSpan.FromSeconds(30));
        _owned.Add(client);
        var options = new LeaderElectionOptions("default", "kubesync-operator", identity)
        {
            // Short enough for a fast suite, long enough that a loaded CI machine does not miss renewals.
            LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(2),
            RenewDeadline = TimeSpan.FromMilliseconds(1200),
            RetryPeriod = TimeSpan.FromMilliseconds(200),
        };
        return (new LeaderElector(client.Resource(KubeResources.Leases), options, TimeProvider.System, NullLogger<LeaderElector>.Instance), network);
    }
}
