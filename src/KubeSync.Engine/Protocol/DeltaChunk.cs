using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Part of the delta answering a Need: encoded instructions (<see cref="DeltaInstructionCodec"/>), in order.
/// <code>varint request id, bytes chunk (0..262144)</code>
/// </summary>
public sealed record DeltaChunk(ulong RequestId, ReadOnlyMemory<byte> Chunk) : ProtocolMessage
{
    public override MessageType Type => MessageType.DeltaChunk;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        writer.WriteBytes(Chunk.Span, DeltaLimits.MaxChunkLength, "chunk");
    }

    public static DeltaChunk Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        return new DeltaChunk(requestId, Copy(reader.ReadBytes("chunk", DeltaLimits.MaxChunkLength)));
    }

    /// <summary>Decodes the instructions (literals point into <see cref="Chunk"/>); a defect is <see cref="ProtocolError.Malformed"/>.</summary>
    public IReadOnlyList<DeltaInstruction> DecodeInstructions()
    {
        try
        {
            return DeltaInstructionCodec.DecodeChunk(Chunk);
        }
        catch (InvalidDataException error)
        {
            throw new ProtocolException(ProtocolError.Malformed, $"DeltaChunk {RequestId}: {error.Message}", error);
        }
    }
}
