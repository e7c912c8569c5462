using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.sidecar.securityContext</c>: the user the sidecar runs as, and the capabilities it keeps. Unset, it runs as
/// the pod's <c>runAsUser</c> or else the image's user (1654), with no capabilities. A <c>signal</c> action reaches
/// only processes of the sidecar's own user unless the sidecar runs as root with KILL; keeping the owners of synced
/// files needs root with CHOWN (docs/operator.md, "The sidecar's user").
/// </summary>
[SchemaRule(
    "!(has(self.runAsNonRoot) && self.runAsNonRoot && has(self.runAsUser) && self.runAsUser == 0)",
    "sidecar.securityContext: runAsNonRoot true contradicts runAsUser 0")]
[SchemaRule(
    "!has(self.capabilities) || !has(self.capabilities.add) || size(self.capabilities.add) == 0 || (has(self.runAsUser) && self.runAsUser == 0)",
    "sidecar.securityContext.capabilities.add takes effect only for a sidecar running as root: set runAsUser 0 with it")]
public sealed class SidecarSecurityContext
{
    /// <summary>UID of the sidecar's process: the app's UID lets a signal action reach the app; 0 (root) needs runAsNonRoot false.</summary>
    [SchemaRange(0, 2147483647)]
    public long? RunAsUser { get; set; }

    /// <summary>Primary GID of the sidecar's process; files it writes get this group.</summary>
    [SchemaRange(0, 2147483647)]
    public long? RunAsGroup { get; set; }

    /// <summary>Refuse to start the sidecar as root. Default: true, unless runAsUser is 0.</summary>
    public bool? RunAsNonRoot { get; set; }

    /// <summary>Capabilities the sidecar keeps (it drops all others); only with runAsUser 0.</summary>
    public SidecarCapabilities? Capabilities { get; set; }
}
