using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Leadership;

/// <summary>Event ids 5400-5499.</summary>
internal static partial class Log
{
    [LoggerMessage(5400, LogLevel.Information, "{Identity} became leader of lease {Namespace}/{Lease}")]
    public static partial void Acquired(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(5401, LogLevel.Warning, "{Identity} lost lease {Namespace}/{Lease}: not renewed for {Elapsed}")]
    public static partial void Lost(ILogger logger, string identity, string @namespace, string lease, TimeSpan elapsed);

    [LoggerMessage(5402, LogLevel.Information, "{Identity} released lease {Namespace}/{Lease}")]
    public static partial void Released(ILogger logger, string identity, string @namespace, string lease);

    [LoggerMessage(5403, LogLevel.Warning, "Lease {Namespace}/{Lease}: {Operation} failed: {Message}")]
    public static partial void RequestFailed(ILogger logger, string @namespace, string lease, string operation, string message);

    [LoggerMessage(5404, LogLevel.Debug, "Lease {Namespace}/{Lease}: {Operation} lost a race ({Reason})")]
    public static partial void RaceLost(ILogger logger, string @namespace, string lease, string operation, string reason);
}
