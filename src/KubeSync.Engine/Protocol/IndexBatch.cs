namespace KubeSync.Engine.Protocol;

/// <summary>
/// A batch of index entries answering an <see cref="IndexRequest"/>, in ascending <c>seq</c>;
/// <see cref="More"/> says whether further batches follow. <see cref="SenderReady"/> (protocol version 2) says the
/// sender was ready when it read these entries; it is set only on connections that negotiated version 2.
/// <code>varint count (0..16384), count × entry, u8 flags (bit 0 more, bit 1 sender ready; other bits 0)</code>
/// In version 1 the flags byte was <c>bool more</c>: the same byte, with bit 1 never set.
/// </summary>
public sealed record IndexBatch(IReadOnlyList<WireEntry> Entries, bool More, bool SenderReady = false) : ProtocolMessage
{
    private const byte MoreFlag = 1;
    private const byte ReadyFlag = 2;

    public override MessageType Type => MessageType.IndexBatch;

    public override void Write(PayloadWriter writer)
    {
        if (Entries.Count > ProtocolLimits.MaxIndexBatchEntries)
        {
            throw new InvalidOperationException($"{Entries.Count} entries exceed {ProtocolLimits.MaxIndexBatchEntries}");
        }

        writer.WriteVarint((ulong)Entries.Count);
        foreach (var entry in Entries)
        {
            entry.Write(writer);
        }

        writer.WriteByte((byte)((More ? MoreFlag : 0) | (SenderReady ? ReadyFlag : 0)));
    }

    public static IndexBatch Read(ref PayloadReader reader)
    {
        var count = reader.ReadVarint32("entry count", 0, ProtocolLimits.MaxIndexBatchEntries);

        // An entry takes at least 13 bytes: never reserve room for more entries than the payload can hold.
        var entries = new List<WireEntry>(Math.Min(count, reader.Remaining / 13));
        for (var i = 0; i < count; i++)
        {
            entries.Add(WireEntry.Read(ref reader));
        }

        var flags = reader.ReadByte("flags");
        return (flags & ~(MoreFlag | ReadyFlag)) == 0
            ? new IndexBatch(entries, (flags & MoreFlag) != 0, (flags & ReadyFlag) != 0)
            : throw reader.Malformed("flags", $"unknown bits in {flags}");
    }
}
