using System.Collections;

using KubeSync.Operator.Reconciling;

namespace KubeSync.Operator.Hosting;

/// <summary>The operator's settings, from environment variables (the chart sets them); each error names its variable.</summary>
public sealed record OperatorOptions
{
    public required ReconcilerOptions Reconciler { get; init; }

    public ControllerOptions Controller { get; init; } = new();

    /// <summary>Namespace of the leader-election Lease.</summary>
    public required string LeaseNamespace { get; init; }

    public string LeaseName { get; init; } = "kubesync-operator";

    /// <summary>This replica's name in the Lease.</summary>
    public required string Identity { get; init; }

    /// <summary>Address of /metrics, /healthz and /readyz.</summary>
    public string HttpAddress { get; init; } = "http://0.0.0.0:8080";

    public static OperatorOptions FromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment[name] is string { Length: > 0 } value ? value : null;
        var image = Get("KUBESYNC_SIDECAR_IMAGE")
            ?? throw new OperatorOptionsException("KUBESYNC_SIDECAR_IMAGE", "required: the kubesync sidecar image for SyncGroups that name none");
        var workers = Get("KUBESYNC_WORKERS") is { } w ? int.TryParse(w, out var n) && n is >= 1 and <= 64 ? n
            : throw new OperatorOptionsException("KUBESYNC_WORKERS", $"expected a whole number from 1 to 64, got \"{w}\"") : 2;
        var address = Get("KUBESYNC_HTTP_ADDRESS") ?? "http://0.0.0.0:8080";
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new OperatorOptionsException("KUBESYNC_HTTP_ADDRESS", $"expected http://HOST:PORT, got \"{address}\"");
        }

        return new OperatorOptions
        {
            Reconciler = new ReconcilerOptions { SidecarImage = image, ClusterDomain = Get("KUBESYNC_CLUSTER_DOMAIN") ?? "cluster.local" },
            Controller = new ControllerOptions { Namespace = Get("KUBESYNC_WATCH_NAMESPACE"), Workers = workers },
            LeaseNamespace = Get("POD_NAMESPACE") ?? throw new OperatorOptionsException("POD_NAMESPACE", "required: the namespace of the leader-election Lease (the downward API's metadata.namespace)"),
            LeaseName = Get("KUBESYNC_LEASE_NAME") ?? "kubesync-operator",
            Identity = Get("POD_NAME") ?? Environment.MachineName,
            HttpAddress = address,
        };
    }
}
