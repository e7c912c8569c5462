namespace KubeSync.Engine.Protocol;

/// <summary>
/// The last message of a delta: the length and SHA-256 of the content the instructions rebuild. The receiver
/// compares both with what it wrote (and with the offer) before renaming the file into place.
/// <code>varint request id, varint length (0..2^63-1), bytes sha256 (exactly 32)</code>
/// </summary>
public sealed record DeltaEnd(ulong RequestId, long Length, byte[] Sha256) : ProtocolMessage
{
    public override MessageType Type => MessageType.DeltaEnd;

    public override void Write(PayloadWriter writer)
    {
        if (Sha256.Length != ProtocolLimits.HashLength)
        {
            throw new InvalidOperationException($"a hash is {ProtocolLimits.HashLength} bytes");
        }

        writer.WriteVarint(RequestId);
        writer.WriteVarint(Length, "length");
        writer.WriteBytes(Sha256, ProtocolLimits.HashLength, "sha256");
    }

    public static DeltaEnd Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var length = reader.ReadVarint63("length");
        return new DeltaEnd(requestId, length, reader.ReadHash("sha256", optional: false)!);
    }
}
