namespace KubeSync.Engine.Applying;

/// <summary>What a member does with a peer's version of a path (DESIGN 3.4).</summary>
public enum SyncDecision
{
    /// <summary>Same history: nothing to do, and the peer has confirmed our version.</summary>
    InSync,

    /// <summary>The peer's version is newer (or we never had the path): fetch and apply it.</summary>
    TakeRemote,

    /// <summary>Ours is newer: the peer needs ours.</summary>
    KeepLocal,

    /// <summary>Concurrent histories with the same content: record the merged vector, no conflict.</summary>
    MergeIdentical,

    /// <summary>Concurrent histories with different content: a conflict, for the group's policy to settle or report.</summary>
    Conflict,
}
