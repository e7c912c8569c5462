namespace KubeSync.Engine.Protocol;

/// <summary>The receiver already has the offered version (or one that dominates it): nothing to send.
/// <code>varint request id</code></summary>
public sealed record Have(ulong RequestId) : ProtocolMessage
{
    public override MessageType Type => MessageType.Have;

    public override void Write(PayloadWriter writer) => writer.WriteVarint(RequestId);

    public static Have Read(ref PayloadReader reader) => new(reader.ReadVarint("request id"));
}
