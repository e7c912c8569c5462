namespace KubeSync.Engine.Protocol;

/// <summary>
/// The receiver's version of the offered path is concurrent with the offer and the receiver keeps its own: it
/// sends its whole entry (version, hash, size, mtime) so that the offering member can apply the same conflict
/// policy to the same two sides and reach the same verdict.
/// <code>varint request id, entry their entry (same path as the offer)</code>
/// </summary>
public sealed record Conflict(ulong RequestId, WireEntry TheirEntry) : ProtocolMessage
{
    public override MessageType Type => MessageType.Conflict;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        TheirEntry.Write(writer);
    }

    public static Conflict Read(ref PayloadReader reader) => new(reader.ReadVarint("request id"), WireEntry.Read(ref reader));
}
