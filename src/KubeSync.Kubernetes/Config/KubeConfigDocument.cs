namespace KubeSync.Kubernetes.Config;

/// <summary>The parts of a kubeconfig file (<c>kind: Config</c>) this client reads.</summary>
internal sealed class KubeConfigDocument
{
    public string? CurrentContext { get; set; }

    public List<KubeConfigNamedCluster>? Clusters { get; set; }

    public List<KubeConfigNamedUser>? Users { get; set; }

    public List<KubeConfigNamedContext>? Contexts { get; set; }
}
