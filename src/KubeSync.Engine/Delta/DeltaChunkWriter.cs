using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Delta;

/// <summary>
/// A sink that encodes instructions with <see cref="DeltaInstructionCodec"/> and hands them over in chunks
/// of about <see cref="DeltaLimits.TargetChunkLength"/> bytes (never more than
/// <see cref="DeltaLimits.MaxChunkLength"/>), one chunk per DeltaChunk frame. Call <see cref="FlushAsync"/>
/// after the encoder finishes to send the last chunk. Given the signature's block size, it also hands a chunk
/// over as soon as its copies cover <see cref="DeltaLimits.RunLength"/> bytes of output, so that long runs of
/// matched blocks reach the receiver while the sender is still reading. Its buffer is rented (a sender makes one
/// writer per file) and goes back on dispose.
/// </summary>
/// <param name="onChunk">Receives each encoded chunk; the memory is reused after the call returns.</param>
/// <param name="blockSize">The signature's block size; 0 hands chunks over by their encoded length only.</param>
public sealed class DeltaChunkWriter(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onChunk, int blockSize = 0) : IDeltaInstructionSink, IDisposable
{
    private readonly PooledBufferWriter _buffer = new(DeltaLimits.TargetChunkLength + DeltaLimits.MaxLiteralLength + 16);
    private readonly long _flushCopyBlocks = blockSize > 0 ? DeltaLimits.RunBlocks(blockSize) : long.MaxValue;
    private long _copyBlocks;

    /// <summary>Number of chunks handed over so far.</summary>
    public long ChunkCount { get; private set; }

    public async ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken)
    {
        DeltaInstructionCodec.Write(_buffer, instruction);
        if (instruction.Kind == DeltaInstructionKind.Copy)
        {
            _copyBlocks += instruction.BlockCount;
        }

        if (_buffer.WrittenCount >= DeltaLimits.TargetChunkLength || _copyBlocks >= _flushCopyBlocks)
        {
            await FlushAsync(cancellationToken);
        }
    }

    /// <summary>Hands over what is buffered, if anything.</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_buffer.WrittenCount == 0)
        {
            return;
        }

        await onChunk(_buffer.WrittenMemory, cancellationToken);
        ChunkCount++;
        _buffer.Clear();
        _copyBlocks = 0;
    }

    public void Dispose() => _buffer.Dispose();
}
