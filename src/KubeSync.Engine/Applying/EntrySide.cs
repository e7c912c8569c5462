using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Applying;

/// <summary>One member's view of a path, as version decisions and conflict policies compare it.</summary>
/// <param name="Node">The member holding this version (this member for the local side, the peer for the remote one).</param>
public sealed record EntrySide(string Node, VersionVector Version, EntryType Type, bool Deleted, byte[]? Hash, long Size, long MtimeNs, string? LinkTarget)
{
    public static EntrySide Local(string self, FileRecord row) =>
        new(self, row.Version, row.Type, row.Deleted, row.Hash, row.Size, row.MtimeNs, row.LinkTarget);

    public static EntrySide Remote(string peer, WireEntry entry) =>
        new(peer, entry.Version, entry.Type, entry.Deleted, entry.Hash, entry.Size, entry.MtimeNs, entry.LinkTarget);

    /// <summary>Whether both sides hold the same thing: both deleted, or the same type with the same content or target.</summary>
    public bool SameContentAs(EntrySide other) =>
        Deleted || other.Deleted
            ? Deleted && other.Deleted
            : Type == other.Type && Type switch
            {
                EntryType.File => Hash is not null && other.Hash is not null && Hash.AsSpan().SequenceEqual(other.Hash),
                EntryType.Symlink => LinkTarget == other.LinkTarget,
                _ => true,
            };
}
