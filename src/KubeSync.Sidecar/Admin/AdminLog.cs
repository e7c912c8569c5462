using Microsoft.Extensions.Logging;

namespace KubeSync.Sidecar.Admin;

/// <summary>The admin endpoint's log lines (event ids 6100–6199).</summary>
internal static partial class AdminLog
{
    [LoggerMessage(EventId = 6100, Level = LogLevel.Information, Message = "admin endpoint on {Url} (/metrics /healthz /readyz /status)")]
    public static partial void Listening(ILogger logger, string url);

    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "{Path}: the state of {Groups} was busy; served the previous reading")]
    public static partial void StaleState(ILogger logger, string path, string groups);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Information, Message = "admin endpoint disabled (admin: off)")]
    public static partial void Disabled(ILogger logger);
}
