namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigNamedContext
{
    public string? Name { get; set; }

    public KubeConfigContext? Context { get; set; }
}
