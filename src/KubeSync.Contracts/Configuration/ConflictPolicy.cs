namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].auto</c>: how concurrent changes are resolved; every member applies the same rule.</summary>
public enum ConflictPolicy
{
    /// <summary>Keep both sides' files and report the conflict until <c>kubesync force</c> resolves it.</summary>
    None,
    First,
    Younger,
    Older,
    Bigger,
    Smaller,
    Left,
    Right,
    KeepBoth,
}
