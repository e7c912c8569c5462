using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Peers;

namespace KubeSync.Engine.Tests.Peers;

/// <summary>A burst's staged files hold descriptors until the flush: the receive batch follows the open-file limit.</summary>
public sealed class ReceiveBatchLimitTests
{
    [Theory]
    [InlineData(256UL, 64)]
    [InlineData(1024UL, 128)]
    [InlineData(4096UL, 512)]
    [InlineData(16384UL, 2048)]
    [InlineData(1048576UL, 2048)]
    public void ReceiveBatchFor_IsAnEighthOfTheLimit_Between64And2048(ulong openFileLimit, int expected) =>
        Assert.Equal(expected, SyncTuning.ReceiveBatchFor(openFileLimit));

    [Fact]
    public void Default_FollowsThisProcessesOpenFileLimit()
    {
        Assert.Equal(0, LibC.GetRLimit(LibC.RLimitNoFile, out var limit));

        Assert.Equal(SyncTuning.ReceiveBatchFor(limit.Current), new SyncTuning().ReceiveBatch);
    }

    [Fact]
    public void Windows_LetABurstFill_AndBoundWhatIsQueuedUnsent()
    {
        var tuning = new SyncTuning();

        Assert.True(tuning.OfferWindow >= tuning.ReceiveBatch, "the offerer's window must not cut the receiver's bursts short");
        Assert.True(tuning.StreamWindow < tuning.OfferWindow);
        Assert.True(tuning.SendSlots < tuning.OfferWindow);
    }
}
