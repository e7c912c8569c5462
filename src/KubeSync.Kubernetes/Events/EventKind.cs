namespace KubeSync.Kubernetes.Events;

/// <summary>The Event <c>type</c>.</summary>
public enum EventKind
{
    Normal,
    Warning,
}
