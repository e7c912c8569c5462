using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Rest;

/// <summary>Event ids 5100-5199.</summary>
internal static partial class Log
{
    [LoggerMessage(5100, LogLevel.Debug, "{Method} {Uri} failed: {StatusCode} {Reason}")]
    public static partial void RequestFailed(ILogger logger, HttpMethod method, Uri? uri, int statusCode, string reason);

    [LoggerMessage(5101, LogLevel.Warning, "{Method} {Uri} got no answer within {Timeout}")]
    public static partial void RequestTimedOut(ILogger logger, HttpMethod method, Uri? uri, TimeSpan timeout);
}
