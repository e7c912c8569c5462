using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>409 Conflict: a stale resourceVersion on replace, or a server-side apply conflict with another field manager.</summary>
public sealed class KubeConflictException : KubeApiException
{
    public KubeConflictException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeConflictException()
    {
    }

    public KubeConflictException(string message)
        : base(message)
    {
    }

    public KubeConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
