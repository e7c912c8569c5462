namespace KubeSync.Engine.Scanning;

/// <summary>Kinds of entries a scan could not record; each is logged and counted, and the scan goes on.</summary>
public enum ScanProblem
{
    /// <summary>A name that is not a valid sync path (invalid UTF-8, a control character, too long).</summary>
    InvalidName,

    /// <summary>Permission denied or another error reading an entry or a directory.</summary>
    Unreadable,

    /// <summary>The entry vanished between listing and reading.</summary>
    Vanished,

    /// <summary>A FIFO, socket or device: not synced.</summary>
    Unsupported,

    /// <summary>A directory reached twice (a bind-mount loop).</summary>
    Loop,
}
