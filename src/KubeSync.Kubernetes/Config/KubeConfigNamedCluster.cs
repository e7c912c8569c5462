namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigNamedCluster
{
    public string? Name { get; set; }

    public KubeConfigCluster? Cluster { get; set; }
}
