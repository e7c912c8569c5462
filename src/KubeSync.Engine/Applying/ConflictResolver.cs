using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Applying;

/// <summary>
/// The conflict policies of DESIGN 3.4. A decision depends only on the two sides, never on which one is local,
/// so every member that sees the same conflict picks the same winner. Ties fall back to node order
/// (the ordinally greater node id wins), which is total because two members never share an id.
/// </summary>
public static class ConflictResolver
{
    public static ConflictOutcome Resolve(ConflictPolicy policy, EntrySide a, EntrySide b)
    {
        var aWins = policy switch
        {
            ConflictPolicy.None => (bool?)null,
            ConflictPolicy.Younger or ConflictPolicy.KeepBoth => ModificationFirst(a, b) ?? Tie(a.MtimeNs.CompareTo(b.MtimeNs), a, b),
            ConflictPolicy.Older or ConflictPolicy.First => ModificationFirst(a, b) ?? Tie(b.MtimeNs.CompareTo(a.MtimeNs), a, b),
            ConflictPolicy.Bigger => ModificationFirst(a, b) ?? Tie(a.Size.CompareTo(b.Size), a, b),
            ConflictPolicy.Smaller => ModificationFirst(a, b) ?? Tie(b.Size.CompareTo(a.Size), a, b),
            ConflictPolicy.Left => string.CompareOrdinal(a.Node, b.Node) < 0,
            ConflictPolicy.Right => string.CompareOrdinal(a.Node, b.Node) > 0,
            _ => throw new ArgumentOutOfRangeException(nameof(policy), policy, "unknown conflict policy"),
        };

        if (aWins is not { } wins)
        {
            return ConflictOutcome.Unresolved;
        }

        var (winner, loser) = wins ? (a, b) : (b, a);

        // keep-both keeps the losing content as a copy; a losing deletion has no content to keep.
        return new ConflictOutcome(winner, loser, policy == ConflictPolicy.KeepBoth && !loser.Deleted);
    }

    /// <summary>A modification beats a deletion under the time and size policies (a deletion has neither).</summary>
    private static bool? ModificationFirst(EntrySide a, EntrySide b) => a.Deleted == b.Deleted ? null : b.Deleted;

    private static bool Tie(int comparison, EntrySide a, EntrySide b) =>
        comparison != 0 ? comparison > 0 : string.CompareOrdinal(a.Node, b.Node) > 0;
}
