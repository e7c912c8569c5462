using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Peers;

namespace KubeSync.Engine.Tests.Peers;

/// <summary>timing.handshake and timing.idle reach the sessions; the ping period keeps a live idle connection open.</summary>
public sealed class SyncTuningTests
{
    [Theory]
    [InlineData(45, 10)]
    [InlineData(30, 10)]
    [InlineData(12, 4)]
    [InlineData(3, 1)]
    public void FromConfig_Idle_PingsAtLeastThreeTimesPerIdleTimeout(int idleSeconds, int pingSeconds)
    {
        var tuning = SyncTuning.FromConfig(new TimingConfig { Idle = TimeSpan.FromSeconds(idleSeconds), Handshake = TimeSpan.FromSeconds(7), Pull = TimeSpan.FromSeconds(2) });

        Assert.Equal(TimeSpan.FromSeconds(idleSeconds), tuning.IdleTimeout);
        Assert.Equal(TimeSpan.FromSeconds(pingSeconds), tuning.PingInterval);
        Assert.Equal(TimeSpan.FromSeconds(7), tuning.HandshakeTimeout);
        Assert.Equal(TimeSpan.FromSeconds(2), tuning.PullInterval);
    }
}
