using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

/// <summary>Long runs of matched blocks are cut into copies of <see cref="DeltaLimits.RunLength"/> and handed over as they are made.</summary>
public sealed class CopyRunTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Encode_UnchangedContentLongerThanARun_CopiesInRunsCoveringEveryBlock()
    {
        const int blockSize = 32 * 1024;
        var content = RandomEdits.Bytes(new Random(5), (2 * DeltaLimits.RunLength) + (3 * blockSize) + 100);
        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(content), blockSize, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(Timeout);
        var sink = new CollectingSink();

        var result = await DeltaEncoder.EncodeAsync(new MemoryStream(content), signature, sink, CancellationToken.None).WaitAsync(Timeout);

        var runBlocks = DeltaLimits.RunBlocks(blockSize);
        Assert.All(sink.Instructions, i => Assert.Equal(DeltaInstructionKind.Copy, i.Kind));
        Assert.Equal([runBlocks, runBlocks, signature.BlockCount - (2 * runBlocks)], sink.Instructions.Select(i => i.BlockCount));
        Assert.Equal([0, runBlocks, 2 * runBlocks], sink.Instructions.Select(i => i.FirstBlock));
        Assert.Equal(content.Length, result.CopiedBytes);
        Assert.Equal(0, result.LiteralBytes);
    }

    [Fact]
    public async Task ChunkWriter_GivenTheBlockSize_HandsOverEachFullRunAtOnce()
    {
        const int blockSize = 4096;
        var runBlocks = DeltaLimits.RunBlocks(blockSize);
        var chunks = new List<byte[]>();
        using var writer = new DeltaChunkWriter((chunk, _) =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        }, blockSize);

        await writer.WriteAsync(DeltaInstruction.Copy(0, runBlocks / 2), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Empty(chunks);
        await writer.WriteAsync(DeltaInstruction.Copy(runBlocks / 2, runBlocks - (runBlocks / 2)), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Single(chunks);
        await writer.WriteAsync(DeltaInstruction.Copy(runBlocks, 1), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Single(chunks);
        await writer.FlushAsync(CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Equal(2, chunks.Count);
        Assert.Equal(2, DeltaInstructionCodec.DecodeChunk(chunks[0]).Count);
        Assert.Equal(runBlocks, DeltaInstructionCodec.DecodeChunk(chunks[1])[0].FirstBlock);
    }

    [Fact]
    public async Task ChunkWriter_WithoutBlockSize_WaitsForTheChunkLength()
    {
        var chunks = new List<byte[]>();
        using var writer = new DeltaChunkWriter((chunk, _) =>
        {
            chunks.Add(chunk.ToArray());
            return ValueTask.CompletedTask;
        });

        await writer.WriteAsync(DeltaInstruction.Copy(0, DeltaLimits.MaxBlockCount - 1), CancellationToken.None).AsTask().WaitAsync(Timeout);

        Assert.Empty(chunks);
    }
}
