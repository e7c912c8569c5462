using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>The protocol version 2 additions: the IndexBatch flags byte, ReadRequest/ReadReply/ReadChunk, Goodbye{timeout}.</summary>
public sealed class ObserverMessageTests
{
    [Theory]
    [InlineData(false, false, 0)]
    [InlineData(true, false, 1)]
    [InlineData(false, true, 2)]
    [InlineData(true, true, 3)]
    public void Encode_IndexBatchFlags_MoreIsBit0ReadyIsBit1(bool more, bool ready, byte flags)
    {
        var payload = ProtocolTestData.Payload(new IndexBatch([], more, ready));

        // A version 1 peer reads the same byte as `bool more`: without the ready bit it is 0 or 1, as before.
        Assert.Equal(new byte[] { 0, flags }, payload);
        var decoded = (IndexBatch)MessageCodec.Decode(MessageType.IndexBatch, payload);
        Assert.Equal((more, ready), (decoded.More, decoded.SenderReady));
    }

    [Theory]
    [InlineData(8)]
    [InlineData(255)]
    public void Decode_IndexBatchWithUnknownFlagBits_IsMalformed(byte flags)
    {
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.IndexBatch, [0, flags]));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData("../secret")]
    [InlineData("/etc/passwd")]
    [InlineData("a/./b")]
    [InlineData("")]
    public void Decode_ReadRequestWithUnsafePath_IsMalformed(string path)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(2).Text(path).Varint(100));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.ReadRequest, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(ReadChunk.MaxDataLength + 1)]
    public void Decode_ReadChunkEmptyOrAboveLimit_IsMalformed(int length)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(2).Blob(new byte[length]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.ReadChunk, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void EncodeFrame_LargestReadChunk_FitsTheSmallestFrameLimit() =>
        Assert.True(MessageCodec.EncodeFrame(new ReadChunk(ulong.MaxValue, new byte[ReadChunk.MaxDataLength])).Length - ProtocolLimits.FrameHeaderLength < ProtocolLimits.MinMaxFrameLength);

    [Fact]
    public void Decode_GoodbyeTimeout_IsTimeoutWithItsLabel()
    {
        var goodbye = (Goodbye)MessageCodec.Decode(MessageType.Goodbye, ProtocolTestData.Raw(p => p.Byte(15).Text("slow")));

        Assert.Equal(ProtocolError.Timeout, goodbye.Error);
        Assert.Equal("timeout", goodbye.Error!.Value.ToLabel());
    }
}
