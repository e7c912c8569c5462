namespace KubeSync.Engine.State;

/// <summary>What recording a local observation did to the state. Values are reported by scans, not stored.</summary>
public enum LocalChange
{
    /// <summary>Nothing new: the row already said this.</summary>
    Unchanged,

    /// <summary>Only fields that do not sync changed (inode, an ignored uid/gid, the racy mark): no new version.</summary>
    Refreshed,

    Created,
    Modified,
    Deleted,
}
