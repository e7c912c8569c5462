namespace KubeSync.Engine.Hosting;

/// <summary>
/// One config reload, for <c>/status</c>: when, what asked for it (<c>SIGHUP</c>, <c>file change</c>), its outcome
/// (<see cref="Applied"/>, <see cref="Unchanged"/>, <see cref="Rejected"/>), the error of a rejected file, and the keys
/// that took effect or wait for a restart.
/// </summary>
public sealed record ConfigReload(
    DateTimeOffset At, string Trigger, string Outcome, string? Error, IReadOnlyList<string> Changed, IReadOnlyList<string> NeedsRestart)
{
    public const string Applied = "applied";
    public const string Unchanged = "unchanged";
    public const string Rejected = "rejected";

    /// <summary>Every outcome, for metrics that show each one from the start.</summary>
    public static IReadOnlyList<string> Outcomes { get; } = [Applied, Unchanged, Rejected];
}
