namespace KubeSync.Operator.Reconciling;

/// <summary>What the controller watches and how it works through the backlog.</summary>
public sealed record ControllerOptions
{
    /// <summary>Only SyncGroups (and workloads, pods) in this namespace; null for all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>Reconciles running at once (never two for the same SyncGroup).</summary>
    public int Workers { get; init; } = 2;

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromSeconds(1);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);
}
