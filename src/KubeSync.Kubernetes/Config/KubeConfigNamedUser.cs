namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigNamedUser
{
    public string? Name { get; set; }

    public KubeConfigUser? User { get; set; }
}
