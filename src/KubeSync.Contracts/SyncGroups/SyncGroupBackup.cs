using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.backup</c>: keep old versions of files replaced or deleted by a peer's change, in the sidecar's state
/// directory inside the volume (never synced).
/// </summary>
public sealed class SyncGroupBackup
{
    /// <summary>How many old versions of each file are kept.</summary>
    [SchemaRange(1, 100)]
    public int Generations { get; set; } = 3;
}
