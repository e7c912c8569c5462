using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.sidecar.securityContext.capabilities</c>: the sidecar drops every capability; these few come back as a
/// deliberate opt-in for a root sidecar. KILL: signal processes of other users; CHOWN and FOWNER: keep the uid, gid and
/// mode of synced files whatever their owner; DAC_OVERRIDE: write into directories of other users.
/// </summary>
public sealed class SidecarCapabilities
{
    /// <summary>Capabilities to keep.</summary>
    [SchemaEnum("KILL", "CHOWN", "FOWNER", "DAC_OVERRIDE")]
    [SchemaLength(-1, 4)]
    public IReadOnlyList<string> Add { get; set; } = [];
}
