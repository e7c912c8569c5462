namespace KubeSync.Kubernetes.Watching;

public enum WatchEventType
{
    Added,
    Modified,
    Deleted,

    /// <summary>Carries only a resourceVersion: everything up to it has been sent.</summary>
    Bookmark,

    /// <summary>The server ended the watch with a Status (410 Expired: relist).</summary>
    Error,
}
