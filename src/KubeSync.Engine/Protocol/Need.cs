using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The receiver of an offer wants the content, as a delta against its current copy described by
/// <see cref="Signature"/> (<see cref="SignatureCodec"/> bytes; an empty basis has a signature with no blocks).
/// <code>varint request id, bytes signature (bounded by the frame)</code>
/// </summary>
public sealed record Need(ulong RequestId, ReadOnlyMemory<byte> Signature) : ProtocolMessage
{
    public override MessageType Type => MessageType.Need;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        writer.WriteBytes(Signature.Span, int.MaxValue, "signature");
    }

    public static Need Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        return new Need(requestId, reader.ReadBytes("signature", int.MaxValue).ToArray());
    }

    /// <summary>Decodes <see cref="Signature"/>; a defect is <see cref="ProtocolError.Malformed"/>.</summary>
    public BlockSignature DecodeSignature(int maxBlockCount)
    {
        try
        {
            return SignatureCodec.Decode(Signature.Span, maxBlockCount);
        }
        catch (InvalidDataException error)
        {
            throw new ProtocolException(ProtocolError.Malformed, $"Need {RequestId}: {error.Message}", error);
        }
    }
}
