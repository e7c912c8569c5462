using KubeSync.Engine.Peers;

namespace KubeSync.Engine.Tests.Peers;

/// <summary>Every 100 refusals in a row double the retry delay, up to two minutes; a longer configured delay is kept.</summary>
public sealed class RetryBackoffTests
{
    [Theory]
    [InlineData(5, 0, 5)]
    [InlineData(5, 1, 5)]
    [InlineData(5, 99, 5)]
    [InlineData(5, 100, 10)]
    [InlineData(5, 199, 10)]
    [InlineData(5, 200, 20)]
    [InlineData(5, 400, 80)]
    [InlineData(5, 500, 120)]
    [InlineData(5, int.MaxValue, 120)]
    [InlineData(300, 1000, 300)]
    [InlineData(0, 1000, 0)]
    public void RetryBackoff_DoublesPerHundredRefusals_UpToTwoMinutes(int retrySeconds, int refusedInARow, int expectedSeconds)
    {
        var delay = PeerSession.RetryBackoff(TimeSpan.FromSeconds(retrySeconds), refusedInARow);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), delay);
    }
}
