using System.Buffers;

using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Tests.Protocol;

public sealed class PayloadReaderTests
{
    [Theory]
    [InlineData(0UL)]
    [InlineData(127UL)]
    [InlineData(128UL)]
    [InlineData(16_383UL)]
    [InlineData(1UL << 35)]
    [InlineData(ulong.MaxValue)]
    public void ReadVarint_WrittenValue_RoundTripsInShortestForm(ulong value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new PayloadWriter(buffer).WriteVarint(value);
        var reader = new PayloadReader(buffer.WrittenSpan);

        Assert.Equal(value, reader.ReadVarint("value"));
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(value == 0 ? 1 : (64 - ulong.LeadingZeroCount(value) + 6) / 7, (ulong)buffer.WrittenCount);
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-1L)]
    [InlineData(1L)]
    [InlineData(long.MinValue)]
    [InlineData(long.MaxValue)]
    [InlineData(1_700_000_000_123_456_789L)]
    public void ReadSignedVarint_WrittenValue_RoundTrips(long value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        new PayloadWriter(buffer).WriteSignedVarint(value);
        var reader = new PayloadReader(buffer.WrittenSpan);

        Assert.Equal(value, reader.ReadSignedVarint("value"));
    }

    [Theory]
    [InlineData(new byte[] { 0x80, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0x80, 0x00 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02 })]
    [InlineData(new byte[] { 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x81, 0x00 })]
    public void ReadVarint_OverlongOrOverflowing_IsMalformed(byte[] bytes)
    {
        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadVarint("value"));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Theory]
    [InlineData(new byte[] { })]
    [InlineData(new byte[] { 0x80 })]
    [InlineData(new byte[] { 0xFF, 0xFF })]
    public void ReadVarint_EndsInsideVarint_IsTruncated(byte[] bytes)
    {
        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadVarint("value"));

        Assert.Equal(ProtocolError.Truncated, error.Error);
    }

    [Fact]
    public void ReadBytes_LengthAboveMaximum_IsMalformedWithoutReadingFurther()
    {
        var bytes = ProtocolTestData.Raw(p => p.Varint(int.MaxValue + 10UL));

        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadBytes("blob", 100));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void ReadBytes_LengthBeyondPayload_IsTruncated()
    {
        var bytes = ProtocolTestData.Raw(p => p.Varint(50).Byte(1));

        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadBytes("blob", 100));

        Assert.Equal(ProtocolError.Truncated, error.Error);
    }

    [Theory]
    [InlineData(new byte[] { 2, 0xC3, 0x28 })]
    [InlineData(new byte[] { 3, 0xED, 0xA0, 0x80 })]
    [InlineData(new byte[] { 1, 0x07 })]
    public void ReadString_InvalidUtf8OrControlCharacter_IsMalformed(byte[] bytes)
    {
        var error = Assert.Throws<ProtocolException>(() => new PayloadReader(bytes).ReadString("text", 100));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void ReadBool_ValueTwo_IsMalformed()
    {
        var error = Assert.Throws<ProtocolException>(() => new PayloadReader([2]).ReadBool("flag"));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void DecodeSignature_GarbageBytes_IsMalformed()
    {
        var need = new Need(3, new byte[] { 9, 9, 9 });

        var error = Assert.Throws<ProtocolException>(() => need.DecodeSignature(ProtocolLimits.MaxSignatureBlocks(ProtocolLimits.DefaultMaxFrameLength)));

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void DecodeInstructions_UnknownTag_IsMalformed()
    {
        var chunk = new DeltaChunk(3, new byte[] { 77 });

        var error = Assert.Throws<ProtocolException>(() => chunk.DecodeInstructions());

        Assert.Equal(ProtocolError.Malformed, error.Error);
    }

    [Fact]
    public void MaxSignatureBlocks_DefaultFrame_FitsANeedFrame()
    {
        var blocks = ProtocolLimits.MaxSignatureBlocks(ProtocolLimits.DefaultMaxFrameLength);

        Assert.True(blocks > 50_000);
        Assert.True((blocks * 20) + 64 <= ProtocolLimits.DefaultMaxFrameLength);
    }

    [Fact]
    public void ToLabel_EveryError_IsDistinctSnakeCase()
    {
        var labels = Enum.GetValues<ProtocolError>().Select(e => e.ToLabel()).ToList();

        Assert.Equal(labels.Count, labels.Distinct().Count());
        Assert.All(labels, l => Assert.Matches("^[a-z]+(_[a-z]+)*$", l));
        Assert.DoesNotContain("unknown", labels);
    }
}
