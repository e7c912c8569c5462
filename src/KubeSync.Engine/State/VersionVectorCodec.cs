namespace KubeSync.Engine.State;

/// <summary>
/// Stores a version vector as a blob: a varint count, then (node id, counter) varint pairs, with node ids
/// from the database's <c>nodes</c> table. A three-member vector takes about seven bytes.
/// </summary>
internal static class VersionVectorCodec
{
    private const int MaxEntries = 4096;

    public static byte[] Encode(VersionVector vector, Func<string, long> nodeId)
    {
        var buffer = new byte[10 + (vector.Entries.Count * 20)];
        var n = WriteVarint(buffer, 0, (ulong)vector.Entries.Count);
        foreach (var (node, counter) in vector.Entries)
        {
            n = WriteVarint(buffer, n, (ulong)nodeId(node));
            n = WriteVarint(buffer, n, counter);
        }

        return buffer[..n];
    }

    public static VersionVector Decode(ReadOnlySpan<byte> blob, Func<long, string> nodeName)
    {
        var pos = 0;
        var count = ReadVarint(blob, ref pos);
        if (count > MaxEntries)
        {
            throw new InvalidDataException($"version vector with {count} entries");
        }

        var pairs = new KeyValuePair<string, ulong>[count];
        for (var i = 0; i < (int)count; i++)
        {
            var id = (long)ReadVarint(blob, ref pos);
            pairs[i] = new(nodeName(id), ReadVarint(blob, ref pos));
        }

        return VersionVector.From(pairs);
    }

    private static int WriteVarint(byte[] buffer, int pos, ulong value)
    {
        while (value >= 0x80)
        {
            buffer[pos++] = (byte)(value | 0x80);
            value >>= 7;
        }

        buffer[pos++] = (byte)value;
        return pos;
    }

    private static ulong ReadVarint(ReadOnlySpan<byte> blob, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= blob.Length)
            {
                throw new InvalidDataException("truncated version vector");
            }

            var b = blob[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("over-long varint in version vector");
    }
}
