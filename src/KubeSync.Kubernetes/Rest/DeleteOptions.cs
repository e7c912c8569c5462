namespace KubeSync.Kubernetes.Rest;

/// <summary>Parameters of a delete.</summary>
public sealed record DeleteOptions
{
    /// <summary><c>Background</c>, <c>Foreground</c> or <c>Orphan</c>; null leaves the server's default.</summary>
    public string? PropagationPolicy { get; init; }

    /// <summary>Delete only the object with this uid (not a newer one of the same name): 409 Conflict otherwise.</summary>
    public string? PreconditionUid { get; init; }

    /// <summary>Delete only if the object is still at this version: 409 Conflict otherwise.</summary>
    public string? PreconditionResourceVersion { get; init; }
}
