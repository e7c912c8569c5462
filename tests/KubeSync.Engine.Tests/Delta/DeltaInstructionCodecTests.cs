using System.Buffers;

using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class DeltaInstructionCodecTests
{
    [Fact]
    public void DecodeChunk_EncodedInstructions_RoundTrip()
    {
        var literal = RandomEdits.Bytes(new Random(1), DeltaLimits.MaxLiteralLength);
        DeltaInstruction[] instructions =
        [
            DeltaInstruction.Copy(0, 1),
            DeltaInstruction.Literal(new byte[] { 7 }),
            DeltaInstruction.Copy(DeltaLimits.MaxBlockCount - 1, 1),
            DeltaInstruction.Literal(literal),
            DeltaInstruction.Copy(0, DeltaLimits.MaxBlockCount),
        ];
        var writer = new ArrayBufferWriter<byte>();

        foreach (var instruction in instructions)
        {
            DeltaInstructionCodec.Write(writer, instruction);
        }

        var decoded = DeltaInstructionCodec.DecodeChunk(writer.WrittenMemory.ToArray());
        Assert.Equal(instructions.Length, decoded.Count);
        for (var i = 0; i < instructions.Length; i++)
        {
            Assert.Equal(instructions[i].Kind, decoded[i].Kind);
            Assert.Equal(instructions[i].FirstBlock, decoded[i].FirstBlock);
            Assert.Equal(instructions[i].BlockCount, decoded[i].BlockCount);
            Assert.Equal(instructions[i].Data.ToArray(), decoded[i].Data.ToArray());
        }
    }

    [Fact]
    public void DecodeChunk_Empty_HasNoInstructions()
    {
        Assert.Empty(DeltaInstructionCodec.DecodeChunk(ReadOnlyMemory<byte>.Empty));
    }

    public static TheoryData<byte[]> HostileChunks => new()
    {
        { [0] },                               // tag 0
        { [3, 0] },                            // unknown tag
        { [1] },                               // copy without fields
        { [1, 0] },                            // copy without count
        { [1, 0, 0] },                         // copy of 0 blocks
        { [1, 0x80, 0x80, 0x40, 1] },          // first block 1 048 576
        { [1, 0xFF, 0xFF, 0x3F, 2] },          // last block + 2 blocks
        { [1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 1] }, // varint longer than 5 bytes
        { [2, 0] },                            // empty literal
        { [2, 0x81, 0x80, 0x04] },             // literal of 65 537 bytes
        { [2, 5, 1, 2, 3] },                   // truncated literal
        { [2, 1, 9, 2] },                      // truncated second literal header
    };

    [Theory]
    [MemberData(nameof(HostileChunks))]
    public void DecodeChunk_HostileChunk_ThrowsInvalidData(byte[] chunk)
    {
        Assert.Throws<InvalidDataException>(() => DeltaInstructionCodec.DecodeChunk(chunk));
    }

    [Fact]
    public void DecodeChunk_LongerThanLimit_ThrowsInvalidData()
    {
        var chunk = new byte[DeltaLimits.MaxChunkLength + 1];

        Assert.Throws<InvalidDataException>(() => DeltaInstructionCodec.DecodeChunk(chunk));
    }

    [Fact]
    public void DecodeChunk_RandomBytes_ThrowsOnlyInvalidData()
    {
        var random = new Random(43);
        for (var run = 0; run < 5000; run++)
        {
            var bytes = RandomEdits.Bytes(random, random.Next(0, 40));
            if (bytes.Length > 0)
            {
                bytes[0] = (byte)random.Next(0, 4);
            }

            var error = Record.Exception(() => DeltaInstructionCodec.DecodeChunk(bytes));

            Assert.True(error is null or InvalidDataException, $"run {run}: {error}");
        }
    }

    [Theory]
    [InlineData(-1, 1)]
    [InlineData(0, 0)]
    [InlineData(DeltaLimits.MaxBlockCount, 1)]
    public void Write_InvalidCopy_ThrowsArgumentException(int firstBlock, int blockCount)
    {
        Assert.Throws<ArgumentException>(() => DeltaInstructionCodec.Write(new ArrayBufferWriter<byte>(), DeltaInstruction.Copy(firstBlock, blockCount)));
    }

    [Fact]
    public async Task DeltaChunkWriter_ManyInstructions_CutsChunksWithinLimits()
    {
        var chunks = new List<byte[]>();
        using var writer = new DeltaChunkWriter((chunk, _) =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        });
        var literal = new byte[DeltaLimits.MaxLiteralLength];

        for (var i = 0; i < 10; i++)
        {
            await writer.WriteAsync(DeltaInstruction.Copy(i, 1), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
            await writer.WriteAsync(DeltaInstruction.Literal(literal), CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }

        await writer.FlushAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(10, chunks.Count);
        Assert.Equal(10, writer.ChunkCount);
        Assert.All(chunks, c => Assert.InRange(c.Length, 1, DeltaLimits.MaxChunkLength));
        Assert.Equal(20, chunks.Sum(c => DeltaInstructionCodec.DecodeChunk(c).Count));
    }
}
