using KubeSync.Engine.State;

namespace KubeSync.Engine.Protocol;

/// <summary>The receiver has applied (or already had) the offer and now holds <see cref="Version"/>; the sender clears its dirty row.
/// <code>varint request id, version vector version</code></summary>
public sealed record Ack(ulong RequestId, VersionVector Version) : ProtocolMessage
{
    public override MessageType Type => MessageType.Ack;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        WireVersionVector.Write(writer, Version, "version");
    }

    public static Ack Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        return new Ack(requestId, WireVersionVector.Read(ref reader, "version"));
    }
}
