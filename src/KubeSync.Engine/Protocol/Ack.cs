using KubeSync.Engine.State;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The receiver has applied (or already had) the offer and now holds <see cref="Version"/>; the sender clears its dirty row.
/// With a <see cref="Seq"/> (protocol version 4) it travels as <see cref="MessageType.AckAt"/>: the receiver's <c>seq</c> for
/// the row it recorded by applying the offer, so the offerer knows that entry of the receiver's index without pulling it.
/// <code>Ack: varint request id, version vector version
/// AckAt: varint request id, version vector version, varint63 seq (at least 1)</code>
/// </summary>
public sealed record Ack(ulong RequestId, VersionVector Version, long Seq = 0) : ProtocolMessage
{
    public override MessageType Type => Seq == 0 ? MessageType.Ack : MessageType.AckAt;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        WireVersionVector.Write(writer, Version, "version");
        if (Seq != 0)
        {
            writer.WriteVarint(Seq, "seq");
        }
    }

    public static Ack Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        return new Ack(requestId, WireVersionVector.Read(ref reader, "version"));
    }

    public static Ack ReadAt(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var version = WireVersionVector.Read(ref reader, "version");
        var seq = reader.ReadVarint63("seq");
        return seq > 0 ? new Ack(requestId, version, seq) : throw reader.Malformed("seq", "must be at least 1");
    }
}
