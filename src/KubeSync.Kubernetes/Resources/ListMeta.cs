namespace KubeSync.Kubernetes.Resources;

public sealed class ListMeta
{
    public string? ResourceVersion { get; set; }

    /// <summary>Set when more items remain: pass it back as <c>continue</c> to get the next page.</summary>
    public string? Continue { get; set; }

    public long? RemainingItemCount { get; set; }
}
