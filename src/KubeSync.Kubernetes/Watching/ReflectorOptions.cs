namespace KubeSync.Kubernetes.Watching;

public sealed record ReflectorOptions
{
    /// <summary>The namespace to mirror; null for all namespaces.</summary>
    public string? Namespace { get; init; }

    public string? LabelSelector { get; init; }

    public int PageSize { get; init; } = 500;

    /// <summary>Fail (and re-watch) a watch that has sent nothing, not even a bookmark, for this long.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);

    /// <summary>Server-side watch timeout; each watch picks a value between this and twice this, so clients do not re-watch in step.</summary>
    public TimeSpan WatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan MinBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);
}
