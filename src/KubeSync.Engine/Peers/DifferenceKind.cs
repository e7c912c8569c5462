namespace KubeSync.Engine.Peers;

/// <summary>Which side of a comparison holds what the other lacks.</summary>
public enum DifferenceKind
{
    /// <summary>Only here, or newer here.</summary>
    Local,

    /// <summary>Only on the peer, or newer there.</summary>
    Remote,

    /// <summary>Changed on both without seeing each other's change, to different content.</summary>
    Conflict,
}
