using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>spec.timing</c>: the sidecar's <c>timing</c> keys; each left out keeps the sidecar's default.</summary>
public sealed class SyncGroupTiming
{
    /// <summary>Quiet time before watched changes are scanned (sidecar default 20ms).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string? Debounce { get; set; }

    /// <summary>Period of the full safety-net rescan (sidecar default 10m).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string? Rescan { get; set; }

    /// <summary>Period of the index exchange with each peer and of re-resolving the peer Service (sidecar default 30s).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string? Pull { get; set; }

    /// <summary>A peer unseen this long is forgotten (sidecar default 1h).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string? PeerExpiry { get; set; }

    /// <summary>How long shutdown may spend pushing what is owed to peers (sidecar default 20s).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string? Drain { get; set; }
}
