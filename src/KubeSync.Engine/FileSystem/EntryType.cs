namespace KubeSync.Engine.FileSystem;

/// <summary>The kinds of directory entries KubeSync syncs. Values are stored in the state database: never renumber.</summary>
public enum EntryType : byte
{
    /// <summary>Anything we do not sync: FIFOs, sockets, devices.</summary>
    Other = 0,
    File = 1,
    Directory = 2,
    Symlink = 3,
}
