namespace KubeSync.Kubernetes.Rest;

/// <summary>The object after a server-side apply, and whether the apply created it (201) or updated it (200).</summary>
public sealed record ApplyResult<T>(T Applied, bool Created);
