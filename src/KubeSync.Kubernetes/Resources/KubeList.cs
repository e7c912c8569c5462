namespace KubeSync.Kubernetes.Resources;

/// <summary>A list answer (<c>PodList</c>, <c>ConfigMapList</c>, ...): one page of items.</summary>
public sealed class KubeList<T>
    where T : KubeObject
{
    public string? ApiVersion { get; set; }

    public string? Kind { get; set; }

    public ListMeta Metadata { get; set; } = new();

    public List<T> Items { get; set; } = [];
}
