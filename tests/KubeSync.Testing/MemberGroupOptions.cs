using Xunit.Abstractions;

namespace KubeSync.Testing;

/// <summary>The configuration every member of a <see cref="MemberGroup"/> shares.</summary>
public sealed record MemberGroupOptions
{
    /// <summary>The group's name.</summary>
    public string Group { get; init; } = "web";

    /// <summary>The conflict policy (<c>auto:</c>): none, younger, older, keep-both, ...</summary>
    public string Auto { get; init; } = "none";

    /// <summary><c>timing.rescan</c>: short, so a missed SIGUSR1 costs a second, not ten minutes.</summary>
    public string Rescan { get; init; } = "1s";

    /// <summary><c>timing.pull</c>: the period of the index exchange.</summary>
    public string Pull { get; init; } = "1s";

    /// <summary>Per-member differences, by member name.</summary>
    public IReadOnlyDictionary<string, MemberOptions> Members { get; init; } = new Dictionary<string, MemberOptions>();

    /// <summary>Where the members' logs go when the group is disposed (xunit shows it for a failed test).</summary>
    public ITestOutputHelper? Output { get; init; }

    /// <summary>How long a member may take to start (a busy two-core machine starts dotnet slowly).</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The default limit for <see cref="MemberGroup.WaitConvergedAsync(string[])"/>.</summary>
    public TimeSpan ConvergeTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
