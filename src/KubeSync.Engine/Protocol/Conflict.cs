using KubeSync.Engine.State;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The receiver's version of the offered path is concurrent with the offer: it reports its own version and
/// content hash so that both members can apply the same policy.
/// <code>varint request id, version vector their version, bytes their hash (0 or 32)</code>
/// </summary>
public sealed record Conflict(ulong RequestId, VersionVector TheirVersion, byte[]? TheirHash) : ProtocolMessage
{
    public override MessageType Type => MessageType.Conflict;

    public override void Write(PayloadWriter writer)
    {
        if (TheirHash is not null && TheirHash.Length != ProtocolLimits.HashLength)
        {
            throw new InvalidOperationException($"a hash is {ProtocolLimits.HashLength} bytes");
        }

        writer.WriteVarint(RequestId);
        WireVersionVector.Write(writer, TheirVersion, "their version");
        writer.WriteBytes(TheirHash ?? [], ProtocolLimits.HashLength, "their hash");
    }

    public static Conflict Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var version = WireVersionVector.Read(ref reader, "their version");
        return new Conflict(requestId, version, reader.ReadHash("their hash", optional: true));
    }
}
