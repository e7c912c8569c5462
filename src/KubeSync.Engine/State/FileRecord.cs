using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>One row of the <c>files</c> table: what this member has (or had, for a tombstone) at a path.</summary>
/// <param name="Hash">
/// SHA-256 of a regular file's content; null for directories, symlinks and tombstones, and for a large file whose
/// hash is still pending (<see cref="HashPending"/>).
/// </param>
/// <param name="Seq">This member's sequence number of the last change to the row (local or received).</param>
/// <param name="Racy">The file was modified so close to when it was recorded that an unchanged stat cannot be trusted: the next scan hashes it again.</param>
public sealed record FileRecord(
    SyncPath Path,
    EntryType Type,
    long Size,
    long MtimeNs,
    int Mode,
    int Uid,
    int Gid,
    long Inode,
    string? LinkTarget,
    byte[]? Hash,
    VersionVector Version,
    long Seq,
    bool Deleted,
    bool Racy)
{
    /// <summary>
    /// A live file recorded without its hash: the scanner gives a large file whose size or mtime changed a new version
    /// at once, and its hash comes later, from the first transfer that reads it (the offerer hashes while it encodes)
    /// or from the next scan, whichever is first. The version is what the file holds while its size, mtime and inode
    /// are the row's.
    /// </summary>
    public bool HashPending => Type == EntryType.File && !Deleted && Hash is null;

    /// <summary>The hash as lowercase hex, or an empty string.</summary>
    public string HashHex => Hash is null ? "" : Convert.ToHexStringLower(Hash);
}
