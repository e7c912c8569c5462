namespace KubeSync.Engine.Protocol;

/// <summary>
/// The sender has a new version of <see cref="Entry"/>; a file of at most 64 KiB travels inline. The
/// receiver answers with Have, Need, Conflict or Refuse, quoting <see cref="RequestId"/>; many offers may
/// be in flight on one connection.
/// <code>varint request id, entry, bool has inline data, [bytes inline data (0..65536, exactly entry size)]</code>
/// </summary>
public sealed record Offer(ulong RequestId, WireEntry Entry, ReadOnlyMemory<byte>? InlineData) : ProtocolMessage
{
    public override MessageType Type => MessageType.Offer;

    public override void Write(PayloadWriter writer)
    {
        if (InlineData is { } inline && (Entry.Type != FileSystem.EntryType.File || Entry.Deleted || inline.Length != Entry.Size))
        {
            throw new InvalidOperationException("inline data belongs to a live regular file and has exactly its size");
        }

        writer.WriteVarint(RequestId);
        Entry.Write(writer);
        writer.WriteBool(InlineData is not null);
        if (InlineData is { } data)
        {
            writer.WriteBytes(data.Span, ProtocolLimits.MaxInlineData, "inline data");
        }
    }

    public static Offer Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var entry = WireEntry.Read(ref reader);
        if (!reader.ReadBool("has inline data"))
        {
            return new Offer(requestId, entry, null);
        }

        var data = reader.ReadBytes("inline data", ProtocolLimits.MaxInlineData);
        if (entry.Type != FileSystem.EntryType.File || entry.Deleted || data.Length != entry.Size)
        {
            throw reader.Malformed("inline data", $"{data.Length} bytes for a {(entry.Deleted ? "deleted " : "")}{entry.Type} of size {entry.Size}");
        }

        return new Offer(requestId, entry, Copy(data));
    }
}
