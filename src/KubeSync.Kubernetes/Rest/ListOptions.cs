namespace KubeSync.Kubernetes.Rest;

/// <summary>Parameters of a list call.</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Page size; 0 asks for everything at once.</summary>
    public int Limit { get; init; }

    /// <summary>The <c>continue</c> token of the previous page.</summary>
    public string? Continue { get; init; }
}
