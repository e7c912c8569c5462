namespace KubeSync.Engine.Applying;

/// <summary>What a conflict policy decided. Every member reaches the same decision for the same two sides.</summary>
/// <param name="Winner">The side whose content stays at the path; null when the policy leaves the conflict to a person.</param>
/// <param name="KeepLoserCopy">keep-both: the losing content is kept beside the winner under a conflict-copy name.</param>
public sealed record ConflictOutcome(EntrySide? Winner, EntrySide? Loser, bool KeepLoserCopy)
{
    public static ConflictOutcome Unresolved { get; } = new(null, null, false);

    public bool IsResolved => Winner is not null;
}
