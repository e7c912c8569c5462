using KubeSync.Engine.State;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The wire form of a <see cref="VersionVector"/>: varint count (0..<see cref="ProtocolLimits.MaxVersionVectorEntries"/>),
/// then count × (name node id, varint counter ≥ 1), node ids strictly ascending in ordinal order, so that a
/// vector has exactly one encoding.
/// </summary>
public static class WireVersionVector
{
    public static void Write(PayloadWriter writer, VersionVector vector, string field)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Entries.Count > ProtocolLimits.MaxVersionVectorEntries)
        {
            throw new ArgumentException($"{field}: {vector.Entries.Count} entries exceed {ProtocolLimits.MaxVersionVectorEntries}", field);
        }

        writer.WriteVarint((ulong)vector.Entries.Count);
        foreach (var (node, counter) in vector.Entries)
        {
            writer.WriteString(node, ProtocolLimits.MaxNameBytes, field);
            writer.WriteVarint(counter);
        }
    }

    public static VersionVector Read(ref PayloadReader reader, string field)
    {
        var count = reader.ReadVarint32(field + " count", 0, ProtocolLimits.MaxVersionVectorEntries);
        if (count == 0)
        {
            return VersionVector.Empty;
        }

        var pairs = new KeyValuePair<string, ulong>[count];
        for (var i = 0; i < count; i++)
        {
            var node = reader.ReadName(field + " node");
            if (i > 0 && string.CompareOrdinal(pairs[i - 1].Key, node) >= 0)
            {
                throw reader.Malformed(field, "node ids are not strictly ascending");
            }

            var counter = reader.ReadVarint(field + " counter");
            if (counter == 0)
            {
                throw reader.Malformed(field, $"zero counter for node '{node}'");
            }

            pairs[i] = new(node, counter);
        }

        return VersionVector.From(pairs);
    }
}
