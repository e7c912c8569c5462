namespace KubeSync.Engine.Protocol;

/// <summary>
/// A batch of index entries answering an <see cref="IndexRequest"/>, in ascending <c>seq</c>;
/// <see cref="More"/> says whether further batches follow.
/// <code>varint count (0..16384), count × entry, bool more</code>
/// </summary>
public sealed record IndexBatch(IReadOnlyList<WireEntry> Entries, bool More) : ProtocolMessage
{
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

        writer.WriteBool(More);
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

        return new IndexBatch(entries, reader.ReadBool("more"));
    }
}
