using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Watching;

/// <summary>One event of a watch: the object (added, modified, deleted, or a bookmark's stub), or the Status of an error.</summary>
public sealed record WatchEvent<T>(WatchEventType Type, T? Item, Status? Error = null)
    where T : KubeObject;
