using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>422 Invalid: the object failed validation.</summary>
public sealed class KubeInvalidException : KubeApiException
{
    public KubeInvalidException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeInvalidException()
    {
    }

    public KubeInvalidException(string message)
        : base(message)
    {
    }

    public KubeInvalidException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
