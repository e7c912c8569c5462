using System.Security.Cryptography;

using KubeSync.Engine.Delta;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Tests.Protocol;

public sealed class MessageCodecTests
{
    public static TheoryData<int> Seeds => [.. Enumerable.Range(0, 40)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Decode_EveryMessageType_RoundTripsAllFields(int seed)
    {
        foreach (var message in new ProtocolTestData(seed).OneOfEach())
        {
            var payload = ProtocolTestData.Payload(message);

            var decoded = MessageCodec.Decode(message.Type, payload);

            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal(MessageDescriber.Describe(message), MessageDescriber.Describe(decoded));
            Assert.Equal(payload, ProtocolTestData.Payload(decoded));
        }
    }

    [Fact]
    public void EncodeFrame_PingExampleOfProtocolDoc_MatchesBytes() =>
        Assert.Equal([0x00, 0x00, 0x00, 0x03, 0x04, 0xAC, 0x02], MessageCodec.EncodeFrame(new Ping(300)));

    [Fact]
    public void MaxSignatureBlocks_DefaultFrame_IsTheFigureOfProtocolDoc() =>
        Assert.Equal(52_425, ProtocolLimits.MaxSignatureBlocks(ProtocolLimits.DefaultMaxFrameLength));

    [Fact]
    public void Decode_AckWithLargestVersionVector_RoundTrips()
    {
        var vector = VersionVector.From(Enumerable.Range(0, ProtocolLimits.MaxVersionVectorEntries)
            .Select(i => new KeyValuePair<string, ulong>($"{new string('n', 240)}-{i:D4}", (ulong)i + 1)));

        var decoded = (Ack)MessageCodec.Decode(MessageType.Ack, ProtocolTestData.Payload(new Ack(5, vector)));

        Assert.Equal(vector, decoded.Version);
    }

    [Fact]
    public void AckWithSeq_TravelsAsAckAt_AndAnAckHasNone()
    {
        var version = VersionVector.From([new KeyValuePair<string, ulong>("web-0", 3)]);

        var at = MessageCodec.EncodeFrame(new Ack(7, version, 300));
        var plain = MessageCodec.EncodeFrame(new Ack(7, version));

        Assert.Equal((byte)MessageType.AckAt, at[4]);
        Assert.Equal((byte)MessageType.Ack, plain[4]);
        Assert.Equal([0xAC, 0x02], at[^2..]); // the seq is the last field
        Assert.Equal(at.Length - 2, plain.Length);
        Assert.Equal(new Ack(7, version, 300), MessageCodec.Decode(MessageType.AckAt, at.AsSpan(5)));
        Assert.Equal(new Ack(7, version), MessageCodec.Decode(MessageType.Ack, plain.AsSpan(5)));
    }

    [Fact]
    public void Decode_AckAtWithSeqZero_IsMalformed()
    {
        var payload = ProtocolTestData.Payload(new Ack(7, VersionVector.From([new KeyValuePair<string, ulong>("web-0", 3)])));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.AckAt, [.. payload, 0x00]));

        Assert.Equal(ProtocolError.Malformed, error.Error);
        Assert.Contains("seq", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_VersionVectorAboveLimit_Throws()
    {
        var vector = VersionVector.From(Enumerable.Range(0, ProtocolLimits.MaxVersionVectorEntries + 1)
            .Select(i => new KeyValuePair<string, ulong>($"n{i}", 1)));

        Assert.Throws<ArgumentException>(() => MessageCodec.EncodeFrame(new Ack(5, vector)));
    }

    [Fact]
    public void EncodeFrame_LargestOfferAndDeltaChunk_FitTheSmallestFrameLimit()
    {
        var path = string.Join('/', Enumerable.Repeat(new string('p', 254), 17))[..SyncPath.MaxBytes].TrimEnd('/');
        var vector = VersionVector.From(Enumerable.Range(0, ProtocolLimits.MaxVersionVectorEntries)
            .Select(i => new KeyValuePair<string, ulong>($"{new string('n', 248)}-{i:D4}", ulong.MaxValue)));
        var entry = new WireEntry(SyncPath.Parse(path), FileSystem.EntryType.File, ProtocolLimits.MaxInlineData, long.MinValue, -1, -1, -1,
            null, new byte[32], vector, false, long.MaxValue);

        var offer = MessageCodec.EncodeFrame(new Offer(ulong.MaxValue, entry, new byte[ProtocolLimits.MaxInlineData]));
        var chunk = MessageCodec.EncodeFrame(new DeltaChunk(ulong.MaxValue, new byte[DeltaLimits.MaxChunkLength]));

        Assert.InRange(offer.Length - 4, 1, ProtocolLimits.MinMaxFrameLength);
        Assert.InRange(chunk.Length - 4, 1, ProtocolLimits.MinMaxFrameLength);
    }

    [Fact]
    public void Decode_OfferWhoseInlineDataDoesNotHashToTheEntry_IsBadContentNamingThePath()
    {
        var content = "the real content\n"u8.ToArray();
        var entry = new ProtocolTestData(3).SmallFile(out _) with { Path = SyncPath.Parse("conf/site.conf"), Size = content.Length, Hash = SHA256.HashData("other content\n"u8) };
        var payload = Payload(new Offer(7, entry, content));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Offer, payload));
        var good = Assert.IsType<Offer>(MessageCodec.Decode(MessageType.Offer, Payload(new Offer(7, entry with { Hash = SHA256.HashData(content) }, content))));

        Assert.Equal(ProtocolError.BadContent, error.Error);
        Assert.Contains("conf/site.conf: inline data hashes to", error.Message, StringComparison.Ordinal);
        Assert.Equal(content, good.InlineData!.Value.ToArray());
    }

    [Fact]
    public void Decode_OfferWithInlineDataButNoHash_IsMalformed()
    {
        var content = "x"u8.ToArray();
        var entry = new ProtocolTestData(4).SmallFile(out _) with { Size = content.Length, Hash = null };

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Offer, Payload(new Offer(1, entry, content))));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    private static byte[] Payload(ProtocolMessage message)
    {
        var output = new System.Buffers.ArrayBufferWriter<byte>();
        MessageCodec.EncodePayload(message, output);
        return output.WrittenSpan.ToArray();
    }

    [Fact]
    public void OneOfEach_CoversEveryMessageType_AllTypes()
    {
        var covered = new ProtocolTestData(1).OneOfEach().Select(m => m.Type).ToHashSet();

        Assert.Equal(Enum.GetValues<MessageType>().ToHashSet(), covered);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public void Decode_EveryTruncationOfEveryMessage_FailsAsTruncatedOrMalformed(int seed)
    {
        // Small blobs: a cut inside a blob is like any other, and 64 KiB of cuts per message would make the test slow.
        foreach (var message in new ProtocolTestData(seed, maxBlob: 300).OneOfEach())
        {
            var payload = ProtocolTestData.Payload(message);
            for (var length = 0; length < payload.Length; length++)
            {
                var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(message.Type, payload.AsSpan(0, length)));
                Assert.True(error.Error is ProtocolError.Truncated or ProtocolError.Malformed, $"{message.Type} cut at {length}: {error.Error}");
            }
        }
    }

    [Theory]
    [InlineData(new byte[] { 0 })]
    [InlineData(new byte[] { 1, 2, 3 })]
    public void Decode_TrailingBytes_IsMalformed(byte[] trailer)
    {
        foreach (var message in new ProtocolTestData(7).OneOfEach())
        {
            byte[] payload = [.. ProtocolTestData.Payload(message), .. trailer];

            var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(message.Type, payload));

            Assert.Equal(ProtocolError.Malformed, error.Error);
            Assert.Equal("malformed", error.Label);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(255)]
    public void Decode_UnknownType_IsUnknownType(byte type)
    {
        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode((MessageType)type, [0]));

        Assert.Equal(ProtocolError.UnknownType, error.Error);
        Assert.Equal("unknown_type", error.Label);
    }

    [Fact]
    public void Decode_GoodbyeWithUnknownErrorCode_IsMalformed()
    {
        var payload = ProtocolTestData.Raw(p => p.Byte(200).Text("bye"));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Goodbye, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(15)]
    [InlineData(65)]
    public void Decode_HelloWithNonceOutOfRange_IsMalformed(int nonceLength)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(1).Varint(1).Text("web").Text("web-0").Blob(new byte[nonceLength]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Hello, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 65536)]
    public void Decode_HelloWithInvalidVersionRange_IsMalformed(int min, int max)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint((ulong)min).Varint((ulong)max).Text("web").Text("web-0").Blob(new byte[32]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Hello, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("web\n")]
    public void Decode_HelloWithInvalidGroup_IsMalformed(string group)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(1).Varint(1).Text(group).Text("web-0").Blob(new byte[32]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Hello, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(31)]
    [InlineData(33)]
    public void Decode_ProofNot32Bytes_IsMalformed(int length)
    {
        var payload = ProtocolTestData.Raw(p => p.Blob(new byte[length]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Proof, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void Decode_DeltaChunkAboveChunkLimit_IsMalformed()
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(1).Blob(new byte[DeltaLimits.MaxChunkLength + 1]));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.DeltaChunk, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void Decode_RefuseWithEmptyReason_IsMalformed()
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(1).Text(""));

        var error = Assert.Throws<ProtocolException>(() => MessageCodec.Decode(MessageType.Refuse, payload));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void Write_GoodbyeWithLongReasonAndControlCharacters_IsCutToFit()
    {
        var goodbye = new Goodbye(ProtocolError.Malformed, "line\nbreak " + new string('é', 5000));

        var decoded = (Goodbye)MessageCodec.Decode(MessageType.Goodbye, ProtocolTestData.Payload(goodbye));

        Assert.Equal(ProtocolError.Malformed, decoded.Error);
        Assert.StartsWith("line break é", decoded.Reason, StringComparison.Ordinal);
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(decoded.Reason) <= ProtocolLimits.MaxReasonBytes);
    }
}
