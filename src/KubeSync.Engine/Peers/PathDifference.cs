using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Peers;

/// <summary>One path that differs between this member and a peer (<see cref="IndexComparison"/>).</summary>
public sealed record PathDifference(DifferenceKind Kind, SyncPath Path)
{
    /// <summary>The letter <c>kubesync compare</c> prints: L, R or X (csync2 <c>-T</c>).</summary>
    public char Mark => Kind switch
    {
        DifferenceKind.Local => 'L',
        DifferenceKind.Remote => 'R',
        _ => 'X',
    };
}
