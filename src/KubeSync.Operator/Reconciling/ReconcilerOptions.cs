using KubeSync.Operator.Credentials;

namespace KubeSync.Operator.Reconciling;

/// <summary>How SyncGroups are reconciled.</summary>
public sealed record ReconcilerOptions
{
    /// <summary>The sidecar image when a SyncGroup names none (the operator's own version).</summary>
    public required string SidecarImage { get; init; }

    /// <summary>The cluster's DNS domain, for the peer Service's name in the sidecar config.</summary>
    public string ClusterDomain { get; init; } = "cluster.local";

    /// <summary>How often a healthy group's member status is read again.</summary>
    public TimeSpan StatusInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a group that is not yet ready or synced is looked at again.</summary>
    public TimeSpan SettlingInterval { get; init; } = TimeSpan.FromSeconds(5);

    public CredentialOptions Credentials { get; init; } = new();
}
