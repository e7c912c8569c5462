namespace KubeSync.Engine.Protocol;

/// <summary>
/// Protocol version 2: part of a file's content answering a <see cref="ReadRequest"/>, in order, after its
/// <see cref="ReadReply"/>. The content ends when the entry's size is reached; a <see cref="Refuse"/> quoting the id
/// ends it early (the file changed while it was read).
/// <code>varint request id, bytes data (1..262144)</code></summary>
public sealed record ReadChunk(ulong RequestId, ReadOnlyMemory<byte> Data) : ProtocolMessage
{
    /// <summary>Largest chunk of content in one message.</summary>
    public const int MaxDataLength = 256 * 1024;

    public override MessageType Type => MessageType.ReadChunk;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        writer.WriteBytes(Data.Span, MaxDataLength, "data");
    }

    public static ReadChunk Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var data = reader.ReadBytes("data", MaxDataLength);
        return data.IsEmpty ? throw reader.Malformed("data", "empty") : new ReadChunk(requestId, data.ToArray());
    }
}
