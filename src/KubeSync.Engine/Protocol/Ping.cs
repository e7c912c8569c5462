namespace KubeSync.Engine.Protocol;

/// <summary>A liveness check; the peer answers with a <see cref="Pong"/> carrying the same token.
/// <code>varint token</code></summary>
public sealed record Ping(ulong Token) : ProtocolMessage
{
    public override MessageType Type => MessageType.Ping;

    public override void Write(PayloadWriter writer) => writer.WriteVarint(Token);

    public static Ping Read(ref PayloadReader reader) => new(reader.ReadVarint("token"));
}
