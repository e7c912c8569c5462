using System.Buffers;

namespace KubeSync.Engine.Delta;

/// <summary>
/// A sink that encodes instructions with <see cref="DeltaInstructionCodec"/> and hands them over in chunks
/// of about <see cref="DeltaLimits.TargetChunkLength"/> bytes (never more than
/// <see cref="DeltaLimits.MaxChunkLength"/>), one chunk per DeltaChunk frame. Call <see cref="FlushAsync"/>
/// after the encoder finishes to send the last chunk.
/// </summary>
/// <param name="onChunk">Receives each encoded chunk; the memory is reused after the call returns.</param>
public sealed class DeltaChunkWriter(Func<ReadOnlyMemory<byte>, CancellationToken, ValueTask> onChunk) : IDeltaInstructionSink
{
    private readonly ArrayBufferWriter<byte> _buffer = new(DeltaLimits.TargetChunkLength + DeltaLimits.MaxLiteralLength + 16);

    /// <summary>Number of chunks handed over so far.</summary>
    public long ChunkCount { get; private set; }

    public async ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken)
    {
        DeltaInstructionCodec.Write(_buffer, instruction);
        if (_buffer.WrittenCount >= DeltaLimits.TargetChunkLength)
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
        _buffer.ResetWrittenCount();
    }
}
