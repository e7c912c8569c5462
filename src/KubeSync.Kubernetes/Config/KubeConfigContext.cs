namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigContext
{
    public string? Cluster { get; set; }

    public string? User { get; set; }

    public string? Namespace { get; set; }
}
