namespace KubeSync.Kubernetes.Resources;

public sealed class ServiceAccount : KubeObject
{
    public bool? AutomountServiceAccountToken { get; set; }
}
