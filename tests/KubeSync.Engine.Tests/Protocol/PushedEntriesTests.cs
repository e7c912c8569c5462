using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>The protocol version 5 addition: IndexBatch flag bit 2 and the bitmap of entries the sender pushes.</summary>
public sealed class PushedEntriesTests
{
    [Fact]
    public void Encode_PushedFlags_FollowTheFlagsByteAsABitmapLowBitFirst()
    {
        var data = new ProtocolTestData(7);
        var entries = Enumerable.Range(0, 10).Select(_ => data.Entry()).ToArray();
        bool[] pushed = [true, false, false, true, false, false, false, false, false, true];

        var payload = ProtocolTestData.Payload(new IndexBatch(entries, More: true, SenderReady: false, pushed));

        Assert.Equal(new byte[] { 1 | 4, 0b0000_1001, 0b0000_0010 }, payload[^3..]);
        var decoded = (IndexBatch)MessageCodec.Decode(MessageType.IndexBatch, payload);
        Assert.Equal(pushed, decoded.Pushed);
        Assert.Equal(pushed, Enumerable.Range(0, entries.Length).Select(decoded.IsPushed));
        Assert.True(decoded.More);
    }

    [Fact]
    public void Decode_WithoutPushedBit_HasNoFlags_AndNothingIsPushed()
    {
        var data = new ProtocolTestData(8);
        var payload = ProtocolTestData.Payload(new IndexBatch([data.Entry(), data.Entry()], More: false));

        var decoded = (IndexBatch)MessageCodec.Decode(MessageType.IndexBatch, payload);

        Assert.Null(decoded.Pushed);
        Assert.False(decoded.IsPushed(0) || decoded.IsPushed(1));
    }

    [Fact]
    public void Decode_EmptyBatchWithPushedBit_HasAnEmptyBitmap()
    {
        var decoded = (IndexBatch)MessageCodec.Decode(MessageType.IndexBatch, [0, 4]);

        Assert.NotNull(decoded.Pushed);
        Assert.Empty(decoded.Pushed);
    }

    [Fact]
    public void Decode_BitSetPastTheLastEntry_IsMalformed()
    {
        var data = new ProtocolTestData(9);
        var payload = ProtocolTestData.Payload(new IndexBatch([data.Entry(), data.Entry(), data.Entry()], More: false, Pushed: [true, true, true]));
        payload[^1] |= 0b1000;

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.IndexBatch, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
        Assert.Contains("past the last entry", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, ProtocolError.Truncated)]
    [InlineData(1, ProtocolError.Malformed)]
    public void Decode_BitmapCutShortOrTooLong_IsAnError(int cut, ProtocolError expected)
    {
        var data = new ProtocolTestData(10);
        var payload = ProtocolTestData.Payload(new IndexBatch([.. Enumerable.Range(0, 9).Select(_ => data.Entry())], More: false, Pushed: new bool[9]));
        byte[] broken = cut == 0 ? payload[..^1] : [.. payload, 0];

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.IndexBatch, broken));

        Assert.Equal(expected, error.Error);
    }

    [Fact]
    public void Encode_FlagCountDiffersFromEntryCount_Throws()
    {
        var data = new ProtocolTestData(11);

        Assert.Throws<InvalidOperationException>(() => ProtocolTestData.Payload(new IndexBatch([data.Entry()], More: false, Pushed: [true, false])));
    }
}
