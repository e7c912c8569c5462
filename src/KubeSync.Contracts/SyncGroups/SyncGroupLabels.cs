namespace KubeSync.Contracts.SyncGroups;

/// <summary>Labels, annotations and the finalizer the operator puts on objects; the sidecar and tools read them too.</summary>
public static class SyncGroupLabels
{
    /// <summary>Label on every object the operator creates and on the member pods: the SyncGroup's name.</summary>
    public const string Group = "kubesync.io/group";

    /// <summary>The standard managed-by label, with <see cref="ManagedByValue"/>, on every object the operator creates.</summary>
    public const string ManagedBy = "app.kubernetes.io/managed-by";

    /// <summary>Value of <see cref="ManagedBy"/>; also the field manager of the operator's server-side applies.</summary>
    public const string ManagedByValue = "kubesync-operator";

    /// <summary>Annotation on a workload: the SyncGroup whose sidecar its pod template carries (one per workload).</summary>
    public const string SyncGroupAnnotation = "kubesync.io/syncgroup";

    /// <summary>
    /// Pod template annotation: a hash of the rendered sidecar config and of the trusted CAs, so that pods restart
    /// (rolling) when either changes; the sidecar reads both at start.
    /// </summary>
    public const string ConfigHash = "kubesync.io/config-hash";

    /// <summary>Finalizer on SyncGroups: the operator removes the sidecar from the pod templates before the SyncGroup goes.</summary>
    public const string Finalizer = "kubesync.io/cleanup";

    /// <summary>Name of the sidecar container in the pod template.</summary>
    public const string SidecarContainer = "kubesync";
}
