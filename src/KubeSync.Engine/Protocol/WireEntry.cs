using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// One index entry as it travels (IndexBatch, Offer): what the sender has at <see cref="Path"/>. A parsed
/// entry is validated (path, type, lengths, vector) but not trusted: the receiver still decides what to apply.
/// </summary>
/// <param name="Size">Content length in bytes (0 for directories and symlinks).</param>
/// <param name="MtimeNs">Modification time in nanoseconds since the Unix epoch (may be negative).</param>
/// <param name="Mode">Permission bits as recorded by the sender's scanner.</param>
/// <param name="LinkTarget">The symlink's target, as stored; null for anything else. Never a <see cref="SyncPath"/>: the applier checks it.</param>
/// <param name="Hash">SHA-256 of a regular file's content (32 bytes), or null.</param>
/// <param name="Seq">The sender's sequence number of this row (for incremental index exchange).</param>
public sealed record WireEntry(
    SyncPath Path,
    EntryType Type,
    long Size,
    long MtimeNs,
    int Mode,
    int Uid,
    int Gid,
    string? LinkTarget,
    byte[]? Hash,
    VersionVector Version,
    bool Deleted,
    long Seq)
{
    /// <summary>A live file offered or listed without its content hash (protocol version 7; see <see cref="FileRecord.HashPending"/>).</summary>
    public bool HashPending => Type == EntryType.File && !Deleted && Hash is null;

    /// <summary>The wire entry of a row of the <c>files</c> table (inode and the racy flag stay local).</summary>
    public static WireEntry FromRecord(FileRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return new WireEntry(record.Path, record.Type, record.Size, record.MtimeNs, record.Mode, record.Uid, record.Gid,
            record.LinkTarget, record.Hash, record.Version, record.Deleted, record.Seq);
    }

    /// <summary>Writes the entry; an entry the format cannot carry (a type that is not synced, a hash not 32 bytes, a negative size) throws <see cref="InvalidOperationException"/> or <see cref="ArgumentException"/>.</summary>
    public void Write(PayloadWriter writer)
    {
        if (Type is not (EntryType.File or EntryType.Directory or EntryType.Symlink))
        {
            throw new InvalidOperationException($"entry type {Type} is not synced");
        }

        if (Hash is not null && Hash.Length != ProtocolLimits.HashLength)
        {
            throw new InvalidOperationException($"hash must be {ProtocolLimits.HashLength} bytes");
        }

        writer.WriteString(Path.Value, SyncPath.MaxBytes, "path");
        writer.WriteByte((byte)Type);
        writer.WriteVarint(Size, "size");
        writer.WriteSignedVarint(MtimeNs);
        writer.WriteVarint((uint)Mode);
        writer.WriteVarint((uint)Uid);
        writer.WriteVarint((uint)Gid);
        writer.WriteString(LinkTarget ?? "", ProtocolLimits.MaxLinkTargetBytes, "link target");
        writer.WriteBytes(Hash ?? [], ProtocolLimits.HashLength, "hash");
        WireVersionVector.Write(writer, Version, "version");
        writer.WriteBool(Deleted);
        writer.WriteVarint(Seq, "seq");
    }

    /// <summary>Reads and validates an entry; every defect is a <see cref="ProtocolException"/>.</summary>
    public static WireEntry Read(ref PayloadReader reader)
    {
        var path = reader.ReadPath("entry path");
        var type = (EntryType)reader.ReadByte("entry type");
        if (type is not (EntryType.File or EntryType.Directory or EntryType.Symlink))
        {
            throw reader.Malformed("entry type", $"{(byte)type} is not a synced type");
        }

        var size = reader.ReadVarint63("entry size");
        var mtime = reader.ReadSignedVarint("entry mtime");
        var mode = (int)reader.ReadVarint("entry mode", uint.MaxValue);
        var uid = (int)reader.ReadVarint("entry uid", uint.MaxValue);
        var gid = (int)reader.ReadVarint("entry gid", uint.MaxValue);
        var linkTarget = reader.ReadString("entry link target", ProtocolLimits.MaxLinkTargetBytes);
        var hash = reader.ReadHash("entry hash", optional: true);
        var version = WireVersionVector.Read(ref reader, "entry version");
        var deleted = reader.ReadBool("entry deleted");
        var seq = reader.ReadVarint63("entry seq");
        if (linkTarget.Length > 0 && type != EntryType.Symlink)
        {
            throw reader.Malformed("entry link target", $"a {type} has no link target");
        }

        if (hash is not null && type != EntryType.File)
        {
            throw reader.Malformed("entry hash", $"a {type} has no content hash");
        }

        return new WireEntry(path, type, size, mtime, mode, uid, gid, linkTarget.Length > 0 ? linkTarget : null, hash, version, deleted, seq);
    }
}
