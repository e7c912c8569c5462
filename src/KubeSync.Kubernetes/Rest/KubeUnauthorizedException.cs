using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>401 Unauthorized: the credentials were not accepted.</summary>
public sealed class KubeUnauthorizedException : KubeApiException
{
    public KubeUnauthorizedException(HttpStatusCode statusCode, Status? status, string message)
        : base(statusCode, status, message)
    {
    }

    public KubeUnauthorizedException()
    {
    }

    public KubeUnauthorizedException(string message)
        : base(message)
    {
    }

    public KubeUnauthorizedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
