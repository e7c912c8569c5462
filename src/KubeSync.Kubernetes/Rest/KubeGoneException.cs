using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>410 Gone (or reason Expired): a resourceVersion or continue token too old; relist.</summary>
public sealed class KubeGoneException : KubeApiException
{
    public KubeGoneException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeGoneException()
    {
    }

    public KubeGoneException(string message)
        : base(message)
    {
    }

    public KubeGoneException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
