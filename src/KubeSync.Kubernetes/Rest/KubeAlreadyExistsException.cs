using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>409 AlreadyExists: create of a name that is taken.</summary>
public sealed class KubeAlreadyExistsException : KubeApiException
{
    public KubeAlreadyExistsException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeAlreadyExistsException()
    {
    }

    public KubeAlreadyExistsException(string message)
        : base(message)
    {
    }

    public KubeAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
