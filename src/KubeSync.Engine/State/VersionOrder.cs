namespace KubeSync.Engine.State;

/// <summary>How two version vectors relate.</summary>
public enum VersionOrder
{
    /// <summary>Same history.</summary>
    Equal,

    /// <summary>The left vector has seen everything the right has, and more: left is newer.</summary>
    Dominates,

    /// <summary>The right vector is newer.</summary>
    DominatedBy,

    /// <summary>Each has changes the other has not seen: a conflict unless the contents are equal.</summary>
    Concurrent,
}
