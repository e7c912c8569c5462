using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>404 Not Found: the object or the resource does not exist.</summary>
public sealed class KubeNotFoundException : KubeApiException
{
    public KubeNotFoundException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeNotFoundException()
    {
    }

    public KubeNotFoundException(string message)
        : base(message)
    {
    }

    public KubeNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
