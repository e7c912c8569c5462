namespace KubeSync.Kubernetes.Resources;

public sealed class Subject
{
    public string? Kind { get; set; }

    public string? Name { get; set; }

    public string? Namespace { get; set; }

    public string? ApiGroup { get; set; }
}
