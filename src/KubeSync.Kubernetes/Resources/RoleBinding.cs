namespace KubeSync.Kubernetes.Resources;

/// <summary><c>rbac.authorization.k8s.io/v1</c> RoleBinding.</summary>
public sealed class RoleBinding : KubeObject
{
    public RoleRef? RoleRef { get; set; }

    public List<Subject>? Subjects { get; set; }
}
