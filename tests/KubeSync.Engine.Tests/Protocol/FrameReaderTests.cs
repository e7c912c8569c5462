using System.Buffers.Binary;

using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

public sealed class FrameReaderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task ReadMessageAsync_FramesWrittenByFrameWriter_RoundTripInOrder()
    {
        var messages = new ProtocolTestData(5).OneOfEach().ToList();
        using var stream = new MemoryStream();
        using (var writer = new FrameWriter(stream))
        {
            await writer.WriteAsync(messages, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        stream.Position = 0;
        using var reader = new FrameReader(stream);
        foreach (var expected in messages)
        {
            var actual = await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);
            Assert.Equal(MessageDescriber.Describe(expected), MessageDescriber.Describe(actual));
        }

        Assert.Null(await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReadFrameAsync_EmptyStream_ReturnsNull()
    {
        using var reader = new FrameReader(new MemoryStream());

        Assert.Null(await reader.ReadFrameAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task ReadFrameAsync_EveryTruncationOfAFrame_IsTruncated()
    {
        var frame = MessageCodec.EncodeFrame(new Ping(ulong.MaxValue));
        for (var length = 1; length < frame.Length; length++)
        {
            var error = await ReadErrorAsync(frame[..length]);
            Assert.Equal(ProtocolError.Truncated, error.Error);
        }
    }

    [Fact]
    public async Task ReadFrameAsync_LengthPrefixAboveLimit_IsRejectedBeforeAllocatingOrReading()
    {
        var header = Header(uint.MaxValue, (byte)MessageType.DeltaChunk);
        using var stream = new MemoryStream([.. header, .. new byte[100]]);
        using var reader = new FrameReader(stream, ProtocolLimits.MaxMaxFrameLength);

        // MemoryStream completes synchronously, so the allocations stay on this thread.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var error = await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadFrameAsync(CancellationToken.None).AsTask()).WaitAsync(Timeout);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(ProtocolError.OversizeFrame, error.Error);
        Assert.Equal("oversize_frame", error.Label);
        Assert.Equal(header.Length, stream.Position);
        Assert.True(allocated < 64 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task ReadFrameAsync_LengthOneAboveConfiguredLimit_IsOversize()
    {
        var limit = ProtocolLimits.MinMaxFrameLength;

        var error = await ReadErrorAsync(Header((uint)limit + 1, (byte)MessageType.Ping), limit);

        Assert.Equal(ProtocolError.OversizeFrame, error.Error);
    }

    [Fact]
    public async Task ReadFrameAsync_LengthAtLimit_IsAccepted()
    {
        var limit = ProtocolLimits.MinMaxFrameLength;
        var payload = ProtocolTestData.Raw(p => p.Varint(9).Blob(new byte[limit - 1 - 1 - 3]));
        byte[] frame = [.. Header((uint)(payload.Length + 1), (byte)MessageType.Need), .. payload];
        using var reader = new FrameReader(new MemoryStream(frame), limit);

        var message = await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(limit, payload.Length + 1);
        Assert.Equal(9UL, Assert.IsType<Need>(message).RequestId);
    }

    [Fact]
    public async Task ReadFrameAsync_ZeroLength_IsMalformed()
    {
        var error = await ReadErrorAsync(Header(0, (byte)MessageType.Ping));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(6)]
    [InlineData(200)]
    public async Task ReadFrameAsync_UnknownType_IsUnknownType(byte type)
    {
        var error = await ReadErrorAsync([.. Header(2, type), 0]);

        Assert.Equal(ProtocolError.UnknownType, error.Error);
    }

    [Fact]
    public async Task ReadMessageAsync_TrailingByteInsideFrame_IsMalformed()
    {
        var frame = MessageCodec.EncodeFrame(new Have(1));
        BinaryPrimitives.WriteUInt32BigEndian(frame, BinaryPrimitives.ReadUInt32BigEndian(frame) + 1);

        var error = await ReadErrorAsync([.. frame, 0]);

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void Constructor_LimitBelowMinimum_Throws() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new FrameReader(new MemoryStream(), ProtocolLimits.MinMaxFrameLength - 1));

    [Fact]
    public async Task WriteAsync_MessageAboveLimit_ThrowsAndWritesNothing()
    {
        using var stream = new MemoryStream();
        using var writer = new FrameWriter(stream, ProtocolLimits.MinMaxFrameLength);

        await Assert.ThrowsAsync<ArgumentException>(() => writer.WriteAsync(new Need(1, new byte[ProtocolLimits.MinMaxFrameLength]), CancellationToken.None).AsTask().WaitAsync(Timeout));

        Assert.Equal(0, stream.Length);
    }

    [Fact]
    public async Task WriteAsync_BatchOfThousandsOfOffers_ArrivesWholeAndInOrder()
    {
        var data = new ProtocolTestData(11);
        var offers = Enumerable.Range(0, 3000).Select(i => (ProtocolMessage)new Offer((ulong)i, data.Entry(), null)).ToList();
        using var stream = new MemoryStream();
        using (var writer = new FrameWriter(stream))
        {
            await writer.WriteAsync(offers, CancellationToken.None).AsTask().WaitAsync(Timeout);
        }

        stream.Position = 0;
        using var reader = new FrameReader(stream);
        for (var i = 0; i < offers.Count; i++)
        {
            var offer = Assert.IsType<Offer>(await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
            Assert.Equal((ulong)i, offer.RequestId);
            Assert.Equal(((Offer)offers[i]).Entry.Path, offer.Entry.Path);
        }

        Assert.True(stream.Length > 64 * 1024, "the batch must cross the write threshold");
        Assert.Null(await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task WriteAsync_ConcurrentWriters_FramesStayWhole()
    {
        using var stream = new MemoryStream();
        using var writer = new FrameWriter(stream);

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => writer.WriteAsync(new Need((ulong)i, new byte[i * 37]), CancellationToken.None).AsTask()))).WaitAsync(Timeout);

        stream.Position = 0;
        using var reader = new FrameReader(stream);
        var ids = new HashSet<ulong>();
        while (await reader.ReadMessageAsync(CancellationToken.None).AsTask().WaitAsync(Timeout) is Need need)
        {
            Assert.Equal((int)need.RequestId * 37, need.Signature.Length);
            ids.Add(need.RequestId);
        }

        Assert.Equal(200, ids.Count);
    }

    private static byte[] Header(uint length, byte type)
    {
        var header = new byte[ProtocolLimits.FrameHeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        header[4] = type;
        return header;
    }

    private static async Task<ProtocolException> ReadErrorAsync(byte[] bytes, int maxFrameLength = ProtocolLimits.DefaultMaxFrameLength)
    {
        using var reader = new FrameReader(new MemoryStream(bytes), maxFrameLength);
        return await Assert.ThrowsAsync<ProtocolException>(() => reader.ReadMessageAsync(CancellationToken.None).AsTask()).WaitAsync(Timeout);
    }
}
