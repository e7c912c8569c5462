namespace KubeSync.Operator.Rendering;

/// <summary>Where the sidecar finds what the operator gives it, inside its container.</summary>
public static class SidecarPaths
{
    /// <summary>The ConfigMap's mount; holds <see cref="ConfigFile"/>.</summary>
    public const string ConfigDirectory = "/etc/kubesync/config";

    /// <summary>The rendered config (key <see cref="ConfigKey"/> of the ConfigMap).</summary>
    public const string ConfigFile = ConfigDirectory + "/" + ConfigKey;

    public const string ConfigKey = "kubesync.yaml";

    /// <summary>The Secret's mount: <c>ca.crt</c>, <c>tls.crt</c>, <c>tls.key</c>, <c>group.key</c> (never the CA keys).</summary>
    public const string TlsDirectory = "/etc/kubesync/tls";

    /// <summary>The downward API mount (only with <c>spec.roles</c>): the pod's labels, as the sidecar's <c>labelsFile</c>.</summary>
    public const string PodInfoDirectory = "/etc/kubesync/podinfo";

    public const string LabelsFile = PodInfoDirectory + "/labels";

    /// <summary>Name of the downward API volume.</summary>
    public const string PodInfoVolume = "kubesync-podinfo";

    /// <summary>Name of the pod volume holding the rendered config.</summary>
    public const string ConfigVolume = "kubesync-config";

    /// <summary>Name of the pod volume holding the credentials.</summary>
    public const string TlsVolume = "kubesync-tls";

    /// <summary>Name of the sidecar's peer port.</summary>
    public const string PeerPortName = "kubesync";

    /// <summary>Name of the sidecar's admin port.</summary>
    public const string AdminPortName = "kubesync-admin";
}
