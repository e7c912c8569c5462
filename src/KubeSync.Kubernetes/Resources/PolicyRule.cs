namespace KubeSync.Kubernetes.Resources;

public sealed class PolicyRule
{
    public List<string>? ApiGroups { get; set; }

    public List<string>? Resources { get; set; }

    public List<string>? ResourceNames { get; set; }

    public List<string>? Verbs { get; set; }
}
