namespace KubeSync.Engine.FileSystem;

/// <summary>
/// What <c>lstat</c> says of an entry: the fields change detection compares, plus the device for loop detection and
/// the ctime (moved by any write or metadata change, even one that puts the mtime back; 0 where not taken). The
/// ctime is not part of equality: a rename moves it, and two stats of one unchanged file must stay equal.
/// </summary>
public readonly record struct FileStat(
    EntryType Type,
    long Size,
    long MtimeNs,
    int Mode,
    int Uid,
    int Gid,
    long Inode,
    long Device,
    long CtimeNs = 0)
{
    /// <summary>Permission bits (including set-id and sticky), without the file type.</summary>
    public int Permissions => Mode & 0xFFF;

    public bool Equals(FileStat other) =>
        Type == other.Type && Size == other.Size && MtimeNs == other.MtimeNs && Mode == other.Mode && Uid == other.Uid
        && Gid == other.Gid && Inode == other.Inode && Device == other.Device;

    public override int GetHashCode() => HashCode.Combine(Type, Size, MtimeNs, Mode, Uid, Gid, Inode, Device);
}
