using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>403 Forbidden: RBAC said no.</summary>
public sealed class KubeForbiddenException : KubeApiException
{
    public KubeForbiddenException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeForbiddenException()
    {
    }

    public KubeForbiddenException(string message)
        : base(message)
    {
    }

    public KubeForbiddenException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
