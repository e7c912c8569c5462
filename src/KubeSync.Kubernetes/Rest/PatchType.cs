namespace KubeSync.Kubernetes.Rest;

public enum PatchType
{
    /// <summary>RFC 7386, <c>application/merge-patch+json</c>.</summary>
    Merge,

    /// <summary>RFC 6902, <c>application/json-patch+json</c>.</summary>
    Json,

    /// <summary>Kubernetes strategic merge, <c>application/strategic-merge-patch+json</c> (built-in kinds only).</summary>
    StrategicMerge,
}
