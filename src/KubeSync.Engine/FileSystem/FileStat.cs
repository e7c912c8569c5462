namespace KubeSync.Engine.FileSystem;

/// <summary>What <c>lstat</c> says of an entry: the fields change detection compares, plus the device for loop detection.</summary>
public readonly record struct FileStat(
    EntryType Type,
    long Size,
    long MtimeNs,
    int Mode,
    int Uid,
    int Gid,
    long Inode,
    long Device)
{
    /// <summary>Permission bits (including set-id and sticky), without the file type.</summary>
    public int Permissions => Mode & 0xFFF;
}
