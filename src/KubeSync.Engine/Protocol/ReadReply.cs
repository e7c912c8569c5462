namespace KubeSync.Engine.Protocol;

/// <summary>
/// Protocol version 2: the answer to a <see cref="ReadRequest"/>: the holder's entry for the path. A live regular file's
/// content follows in <see cref="ReadChunk"/>s (exactly <c>Entry.Size</c> bytes, possibly none); nothing follows any
/// other entry (a directory, a symlink, a tombstone).
/// <code>varint request id, entry (same path as the Read)</code></summary>
public sealed record ReadReply(ulong RequestId, WireEntry Entry) : ProtocolMessage
{
    public override MessageType Type => MessageType.ReadReply;

    /// <summary>Whether content follows this reply.</summary>
    public bool HasContent => Entry is { Deleted: false, Type: FileSystem.EntryType.File } && Entry.Size > 0;

    public override void Write(PayloadWriter writer)
    {
        writer.WriteVarint(RequestId);
        Entry.Write(writer);
    }

    public static ReadReply Read(ref PayloadReader reader) => new(reader.ReadVarint("request id"), WireEntry.Read(ref reader));
}
