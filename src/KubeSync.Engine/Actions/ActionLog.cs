using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Actions;

/// <summary>Action log events (ids 1200-1299).</summary>
internal static partial class ActionLog
{
    [LoggerMessage(1300, LogLevel.Information, "Group {Group}: action {Action} succeeded in {DurationMs} ms ({Paths} paths)")]
    public static partial void Succeeded(ILogger logger, string group, string action, long durationMs, int paths);

    [LoggerMessage(1301, LogLevel.Warning, "Group {Group}: action {Action} {Outcome} (attempt {Attempt} of {MaxAttempts}): {Message}; retrying in {RetryMs} ms")]
    public static partial void WillRetry(ILogger logger, string group, string action, ActionRunOutcome outcome, int attempt, int maxAttempts, string message, long retryMs);

    [LoggerMessage(1302, LogLevel.Error, "Group {Group}: action {Action} gave up after {Attempts} attempts ({Paths} paths dropped): {Message}")]
    public static partial void GaveUp(ILogger logger, string group, string action, int attempts, int paths, string message);

    [LoggerMessage(1303, LogLevel.Information, "Group {Group}: action {Action} resumes {Paths} paths pending from before the restart")]
    public static partial void Resumed(ILogger logger, string group, string action, int paths);

    [LoggerMessage(1304, LogLevel.Warning, "Group {Group}: pending action {Action} is no longer configured; {Paths} paths dropped")]
    public static partial void UnknownPending(ILogger logger, string group, string action, int paths);

    [LoggerMessage(1305, LogLevel.Debug, "Group {Group}: action {Action} triggered by {Paths} {Origin} paths")]
    public static partial void Triggered(ILogger logger, string group, string action, int paths, string origin);

    [LoggerMessage(1306, LogLevel.Warning, "Group {Group}: action {Action} still running after {StopMs} ms at stop; cancelled, its paths stay pending")]
    public static partial void CancelledAtStop(ILogger logger, string group, string action, long stopMs);

    [LoggerMessage(1307, LogLevel.Error, "Group {Group}: action {Action}: the runner threw instead of reporting a failure")]
    public static partial void RunnerThrew(ILogger logger, string group, string action, Exception exception);
}
