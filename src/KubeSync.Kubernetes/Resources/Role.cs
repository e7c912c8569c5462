namespace KubeSync.Kubernetes.Resources;

/// <summary><c>rbac.authorization.k8s.io/v1</c> Role.</summary>
public sealed class Role : KubeObject
{
    public List<PolicyRule>? Rules { get; set; }
}
