namespace KubeSync.Kubernetes.Watching;

public sealed record WatchOptions
{
    /// <summary>Start after this version; null starts with a synthetic ADDED per existing object.</summary>
    public string? ResourceVersion { get; init; }

    public bool AllowBookmarks { get; init; } = true;

    public string? LabelSelector { get; init; }

    public string? FieldSelector { get; init; }

    /// <summary>Asks the server to end the stream (cleanly) after this long.</summary>
    public TimeSpan? ServerTimeout { get; init; }

    /// <summary>
    /// With no line at all (event or bookmark) for this long the watch fails with a <see cref="TimeoutException"/>:
    /// a connection that went silent must not hang a watch. Keep it above the server's bookmark interval (about a minute).
    /// </summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromMinutes(3);
}
