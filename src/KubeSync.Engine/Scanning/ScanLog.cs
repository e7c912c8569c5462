using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Scanning;

/// <summary>Scanner log events (ids 1100-1199).</summary>
internal static partial class ScanLog
{
    [LoggerMessage(1100, LogLevel.Debug, "Scan of group {Group} done in {DurationMs} ms: {Entries} entries, {Hashed} hashed, {Created} new, {Modified} changed, {Deleted} deleted, {Problems} problems")]
    public static partial void ScanDone(ILogger logger, string group, long durationMs, long entries, long hashed, long created, long modified, long deleted, long problems);

    [LoggerMessage(1101, LogLevel.Warning, "Group {Group}: {Path}: {Reason}")]
    public static partial void EntryProblem(ILogger logger, string group, string path, string reason);

    [LoggerMessage(1102, LogLevel.Debug, "Group {Group}: {Path}: {Reason}")]
    public static partial void EntryVanished(ILogger logger, string group, string path, string reason);

    [LoggerMessage(1103, LogLevel.Warning, "Group {Group}: cannot read {Path} ({Reason}); rows below it are kept as they are")]
    public static partial void SubtreeSkipped(ILogger logger, string group, string path, string reason);
}
