using System.Net;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>
/// A non-2xx answer from the API server, with the <see cref="Resources.Status"/> it sent. Catch the
/// derived types (<see cref="KubeNotFoundException"/>, <see cref="KubeConflictException"/>, ...) for the
/// outcomes a caller handles.
/// </summary>
public class KubeApiException : Exception
{
    public KubeApiException(HttpStatusCode statusCode, Status? status, string message)
        : base(message)
    {
        StatusCode = statusCode;
        Status = status;
    }

    public KubeApiException()
    {
    }

    public KubeApiException(string message)
        : base(message)
    {
    }

    public KubeApiException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public HttpStatusCode StatusCode { get; }

    /// <summary>The API's Status body, when the server sent one.</summary>
    public Status? Status { get; }

    /// <summary>The Status reason (<c>NotFound</c>, <c>Conflict</c>, ...), or empty.</summary>
    public string Reason => Status?.Reason ?? "";

    /// <summary>The typed exception for an answer.</summary>
    public static KubeApiException Create(HttpStatusCode statusCode, Status? status, string request)
    {
        var message = $"{request}: {(int)statusCode} {status?.Reason ?? statusCode.ToString()}: {status?.Message ?? "(no Status body)"}";
        return statusCode switch
        {
            HttpStatusCode.NotFound => new KubeNotFoundException(statusCode, status, message),
            HttpStatusCode.Conflict when status?.Reason == "AlreadyExists" => new KubeAlreadyExistsException(statusCode, status, message),
            HttpStatusCode.Conflict => new KubeConflictException(statusCode, status, message),
            HttpStatusCode.Gone => new KubeGoneException(statusCode, status, message),
            HttpStatusCode.Forbidden => new KubeForbiddenException(statusCode, status, message),
            HttpStatusCode.Unauthorized => new KubeUnauthorizedException(statusCode, status, message),
            HttpStatusCode.UnprocessableEntity => new KubeInvalidException(statusCode, status, message),
            _ => new KubeApiException(statusCode, status, message),
        };
    }
}
