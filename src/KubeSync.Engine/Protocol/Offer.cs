using System.Security.Cryptography;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The sender has a new version of <see cref="Entry"/>; a file of at most 64 KiB travels inline. The
/// receiver answers with Have, Need, Conflict or Refuse, quoting <see cref="RequestId"/>; many offers may
/// be in flight on one connection.
/// <code>varint request id, entry, bool has inline data, [bytes inline data (0..65536, exactly entry size)]</code>
/// <see cref="Read"/> checks inline data against the entry's SHA-256 (a mismatch is
/// <see cref="ProtocolError.BadContent"/>): a session decodes frames on its read-ahead task, so the check runs beside
/// the loop that writes the file, and that loop stages the verified bytes without hashing them again.
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

        if (entry.Hash is not { } expected)
        {
            throw reader.Malformed("inline data", "a file offered with its content but without the content's hash");
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(data, hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, expected))
        {
            throw new ProtocolException(
                ProtocolError.BadContent,
                $"{SyncPath.Printable(entry.Path.Value)}: inline data hashes to {Convert.ToHexStringLower(hash)[..12]}, not the offered {Convert.ToHexStringLower(expected)[..12]}");
        }

        return new Offer(requestId, entry, Copy(data));
    }
}
