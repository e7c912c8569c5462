using Microsoft.Extensions.Logging;

namespace KubeSync.Kubernetes.Watching;

/// <summary>Event ids 5200-5299.</summary>
internal static partial class Log
{
    [LoggerMessage(5200, LogLevel.Debug, "Listed {Resource}: {Count} objects at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, string resource, int count, string? resourceVersion);

    [LoggerMessage(5201, LogLevel.Debug, "Watch of {Resource} ended at resourceVersion {ResourceVersion}; watching again")]
    public static partial void WatchEnded(ILogger logger, string resource, string? resourceVersion);

    [LoggerMessage(5202, LogLevel.Information, "Watch of {Resource} expired ({Message}); relisting")]
    public static partial void Expired(ILogger logger, string resource, string message);

    [LoggerMessage(5203, LogLevel.Warning, "Watch of {Resource} failed ({Failures} in a row), retrying in {Delay}: {Message}")]
    public static partial void WatchFailed(ILogger logger, string resource, int failures, TimeSpan delay, string message);
}
