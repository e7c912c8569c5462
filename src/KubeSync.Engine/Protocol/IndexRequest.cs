namespace KubeSync.Engine.Protocol;

/// <summary>Asks for the index entries whose <c>seq</c> is greater than <see cref="SinceSeq"/> (0: everything).
/// <code>varint since seq (0..2^63-1)</code></summary>
public sealed record IndexRequest(long SinceSeq) : ProtocolMessage
{
    public override MessageType Type => MessageType.IndexRequest;

    public override void Write(PayloadWriter writer) => writer.WriteVarint(SinceSeq, "since seq");

    public static IndexRequest Read(ref PayloadReader reader) => new(reader.ReadVarint63("since seq"));
}
