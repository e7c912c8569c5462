using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Events;

/// <summary>Event ids 5500-5599.</summary>
internal static partial class Log
{
    [LoggerMessage(5500, LogLevel.Warning, "Could not record event {Reason} on {Kind} {Namespace}/{Name}: {Message}")]
    public static partial void RecordFailed(ILogger logger, string reason, string? kind, string? @namespace, string? name, string message);
}
