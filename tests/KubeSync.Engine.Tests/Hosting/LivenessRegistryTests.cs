using KubeSync.Engine.Hosting;

namespace KubeSync.Engine.Tests.Hosting;

public sealed class LivenessRegistryTests
{
    private readonly SteppedClock _clock = new();

    [Fact]
    public void Check_NothingRegistered_NotAlive()
    {
        var report = new LivenessRegistry(_clock).Check();

        Assert.False(report.IsAlive);
        Assert.Equal(0, report.Loops);
    }

    [Fact]
    public void Check_LoopBeatingWithinItsSilence_Alive()
    {
        var registry = new LivenessRegistry(_clock);
        var rescan = registry.Register("rescan", TimeSpan.FromMinutes(1));
        registry.Register("peers", null);

        _clock.Advance(TimeSpan.FromSeconds(50));
        rescan.Beat();
        _clock.Advance(TimeSpan.FromSeconds(50));

        Assert.True(registry.Check().IsAlive);
    }

    [Fact]
    public void Check_LoopSilentTooLong_ReportsItHangs()
    {
        var registry = new LivenessRegistry(_clock);
        registry.Register("rescan", TimeSpan.FromMinutes(1));
        registry.Register("peers", null);

        _clock.Advance(TimeSpan.FromSeconds(61));

        var report = registry.Check();
        Assert.False(report.IsAlive);
        Assert.Equal(["rescan: no progress for 61 s (limit 60 s)"], report.Problems);
    }

    [Fact]
    public async Task Track_LoopFaults_ReportsTheFailure()
    {
        var registry = new LivenessRegistry(_clock);
        var peers = registry.Register("peers", null);

        var loop = peers.Track(Task.FromException(new InvalidOperationException("socket gone")), CancellationToken.None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => loop);

        Assert.Equal(["peers: failed: socket gone"], registry.Check().Problems);
    }

    [Fact]
    public void Track_LoopEndsWhenStopping_ReportsStopping()
    {
        var registry = new LivenessRegistry(_clock);
        using var stop = new CancellationTokenSource();
        stop.Cancel();

        registry.Register("rescan", null).Track(Task.CompletedTask, stop.Token);

        Assert.Equal(["rescan: stopping"], registry.Check().Problems);
    }

    /// <summary>A clock whose monotonic timestamp moves only when told (ManualTimeProvider moves the wall clock only).</summary>
    private sealed class SteppedClock : TimeProvider
    {
        private long _ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _ticks;

        public void Advance(TimeSpan by) => _ticks += by.Ticks;
    }
}
