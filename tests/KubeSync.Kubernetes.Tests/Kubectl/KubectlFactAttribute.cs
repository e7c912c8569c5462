namespace KubeSync.Kubernetes.Tests.Kubectl;

/// <summary>A fact that needs the real kubectl on PATH; skipped with the reason where it is missing.</summary>
public sealed class KubectlFactAttribute : FactAttribute
{
    public KubectlFactAttribute()
    {
        if (Kubectl.Path is null)
        {
            Skip = "kubectl is not on PATH (CI installs it; see docs/kubernetes-client.md)";
        }
    }
}
