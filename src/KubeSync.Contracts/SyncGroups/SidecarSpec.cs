using System.Text.Json.Nodes;

using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>spec.sidecar</c>: the kubesync container the operator adds to each pod.</summary>
[SchemaRule("self.port != self.adminPort", "sidecar.port and sidecar.adminPort must differ")]
public sealed class SidecarSpec
{
    /// <summary>Image of the kubesync sidecar; default: the image the operator was installed with.</summary>
    [SchemaLength(1, 512)]
    public string? Image { get; set; }

    /// <summary>Image pull policy of the sidecar.</summary>
    [SchemaEnum("Always", "IfNotPresent", "Never")]
    public string? ImagePullPolicy { get; set; }

    /// <summary>Resource requests and limits of the sidecar container (a Kubernetes ResourceRequirements).</summary>
    [SchemaOpaque]
    public JsonObject? Resources { get; set; }

    /// <summary>Port of the peer protocol (TLS), on the pod IP.</summary>
    [SchemaRange(1, 65535)]
    public int Port { get; set; } = 30865;

    /// <summary>Port of the admin endpoint (/metrics, /healthz, /readyz, /status), on the pod IP.</summary>
    [SchemaRange(1, 65535)]
    public int AdminPort { get; set; } = 9465;

    /// <summary>The sidecar's user and capabilities; see <see cref="SidecarSecurityContext"/>.</summary>
    public SidecarSecurityContext? SecurityContext { get; set; }
}
