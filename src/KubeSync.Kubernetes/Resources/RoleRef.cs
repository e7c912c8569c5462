namespace KubeSync.Kubernetes.Resources;

public sealed class RoleRef
{
    public string? ApiGroup { get; set; }

    public string? Kind { get; set; }

    public string? Name { get; set; }
}
