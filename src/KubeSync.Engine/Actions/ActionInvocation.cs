using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Actions;

/// <summary>One run of an action: the action as configured and the changed paths of the batch that triggered it.</summary>
public sealed record ActionInvocation(string Group, ActionConfig Action, IReadOnlyList<SyncPath> Paths)
{
    /// <summary>The group's root directory: the working directory of <c>exec</c> actions, so that the relative paths of <c>%%</c> resolve.</summary>
    public string? Root { get; init; }
}
