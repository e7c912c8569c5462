namespace KubeSync.Engine.Protocol;

/// <summary>The answer to a <see cref="Ping"/>.
/// <code>varint token</code></summary>
public sealed record Pong(ulong Token) : ProtocolMessage
{
    public override MessageType Type => MessageType.Pong;

    public override void Write(PayloadWriter writer) => writer.WriteVarint(Token);

    public static Pong Read(ref PayloadReader reader) => new(reader.ReadVarint("token"));
}
