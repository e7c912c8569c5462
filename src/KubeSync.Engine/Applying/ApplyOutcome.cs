namespace KubeSync.Engine.Applying;

/// <summary>How an apply ended. Only <see cref="Applied"/> changed anything on disk.</summary>
public enum ApplyOutcome
{
    Applied,

    /// <summary>The received content did not hash to what was offered: dropped, the old file is untouched.</summary>
    HashMismatch,

    /// <summary>The path leads through a symlink or something else that could leave the root: nothing was written.</summary>
    Refused,

    /// <summary>An I/O error (full disk, permissions, a directory where a file should go): nothing was replaced.</summary>
    Failed,

    /// <summary>What is on disk at the path changed since the state recorded it: nothing was replaced; a rescan records the change first.</summary>
    Stale,
}
