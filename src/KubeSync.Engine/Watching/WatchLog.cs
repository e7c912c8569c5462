using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Watching;

/// <summary>Watcher log events (ids 1200-1299).</summary>
internal static partial class WatchLog
{
    [LoggerMessage(1200, LogLevel.Information, "{Group}: watching {Watches} directories with inotify (debounce {DebounceMs} ms)")]
    public static partial void Watching(ILogger logger, string group, int watches, long debounceMs);

    [LoggerMessage(1201, LogLevel.Warning, "{Group}: inotify watch limit reached while watching {Path}: raise sysctl fs.inotify.max_user_watches (now {Limit}); until then changes are found by the periodic rescan (timing.rescan)")]
    public static partial void WatchLimit(ILogger logger, string group, string path, string limit);

    [LoggerMessage(1202, LogLevel.Warning, "{Group}: cannot start inotify ({Reason}); if the instance limit is reached, raise sysctl fs.inotify.max_user_instances (now {Limit}); until then changes are found by the periodic rescan (timing.rescan)")]
    public static partial void InitFailed(ILogger logger, string group, string reason, string limit);

    [LoggerMessage(1203, LogLevel.Warning, "{Group}: inotify event queue overflowed ({Overflows} so far); watching again and rescanning everything")]
    public static partial void Overflow(ILogger logger, string group, long overflows);

    [LoggerMessage(1204, LogLevel.Warning, "{Group}: cannot watch {Path} ({Reason}); rescanning everything")]
    public static partial void WatchFailed(ILogger logger, string group, string path, string reason);

    [LoggerMessage(1205, LogLevel.Debug, "{Group}: {Paths} changed paths and {Trees} directories to scan (full: {Full})")]
    public static partial void Flushing(ILogger logger, string group, int paths, int trees, bool full);

    [LoggerMessage(1206, LogLevel.Warning, "{Group}: scan of watched changes failed: {Reason}")]
    public static partial void ScanFailed(ILogger logger, string group, string reason);

    [LoggerMessage(1207, LogLevel.Warning, "{Group}: the sync root was deleted or moved; rescanning everything")]
    public static partial void RootGone(ILogger logger, string group);

    [LoggerMessage(1208, LogLevel.Error, "{Group}: the inotify loop failed: {Reason}")]
    public static partial void LoopFailed(ILogger logger, string group, string reason);

    [LoggerMessage(1209, LogLevel.Warning, "cannot watch the config directory {Directory} ({Reason}); send SIGHUP to reload the config")]
    public static partial void ConfigWatchFailed(ILogger logger, string directory, string reason);
}
