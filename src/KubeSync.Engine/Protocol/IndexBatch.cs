namespace KubeSync.Engine.Protocol;

/// <summary>
/// A batch of index entries answering an <see cref="IndexRequest"/>, in ascending <c>seq</c>;
/// <see cref="More"/> says whether further batches follow. <see cref="SenderReady"/> (protocol version 2) says the
/// sender was ready when it read these entries; it is set only on connections that negotiated version 2.
/// <see cref="Pushed"/> (protocol version 5), when present, has one flag per entry: the sender owes the requester that
/// entry and pushes it on its own, so the requester does not send a Want for it (it waits for the offer instead).
/// <code>varint count (0..16384), count × entry, u8 flags (bit 0 more, bit 1 sender ready, bit 2 pushed flags follow;
/// other bits 0), if bit 2: ceil(count / 8) bytes, entry i is bit (i mod 8) of byte i / 8 (bits past count are 0)</code>
/// In version 1 the flags byte was <c>bool more</c>: the same byte, with bits 1 and 2 never set.
/// </summary>
public sealed record IndexBatch(IReadOnlyList<WireEntry> Entries, bool More, bool SenderReady = false, IReadOnlyList<bool>? Pushed = null) : ProtocolMessage
{
    private const byte MoreFlag = 1;
    private const byte ReadyFlag = 2;
    private const byte PushedFlag = 4;

    public override MessageType Type => MessageType.IndexBatch;

    /// <summary>Whether the sender pushes entry <paramref name="index"/> on its own (false without pushed flags).</summary>
    public bool IsPushed(int index) => Pushed is not null && Pushed[index];

    public override void Write(PayloadWriter writer)
    {
        if (Entries.Count > ProtocolLimits.MaxIndexBatchEntries)
        {
            throw new InvalidOperationException($"{Entries.Count} entries exceed {ProtocolLimits.MaxIndexBatchEntries}");
        }

        if (Pushed is not null && Pushed.Count != Entries.Count)
        {
            throw new InvalidOperationException($"{Pushed.Count} pushed flags for {Entries.Count} entries");
        }

        writer.WriteVarint((ulong)Entries.Count);
        foreach (var entry in Entries)
        {
            entry.Write(writer);
        }

        writer.WriteByte((byte)((More ? MoreFlag : 0) | (SenderReady ? ReadyFlag : 0) | (Pushed is null ? 0 : PushedFlag)));
        if (Pushed is not null)
        {
            for (var start = 0; start < Pushed.Count; start += 8)
            {
                byte bits = 0;
                for (var i = start; i < Math.Min(start + 8, Pushed.Count); i++)
                {
                    bits |= (byte)(Pushed[i] ? 1 << (i - start) : 0);
                }

                writer.WriteByte(bits);
            }
        }
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
        if ((flags & ~(MoreFlag | ReadyFlag | PushedFlag)) != 0)
        {
            throw reader.Malformed("flags", $"unknown bits in {flags}");
        }

        bool[]? pushed = null;
        if ((flags & PushedFlag) != 0)
        {
            var bits = reader.ReadFixed("pushed flags", (count + 7) / 8);
            pushed = new bool[count];
            for (var i = 0; i < count; i++)
            {
                pushed[i] = (bits[i / 8] & (1 << (i % 8))) != 0;
            }

            if (count % 8 != 0 && bits[^1] >> (count % 8) != 0)
            {
                throw reader.Malformed("pushed flags", "bits set past the last entry");
            }
        }

        return new IndexBatch(entries, (flags & MoreFlag) != 0, (flags & ReadyFlag) != 0, pushed);
    }
}
