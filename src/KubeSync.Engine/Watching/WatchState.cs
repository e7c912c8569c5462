namespace KubeSync.Engine.Watching;

/// <summary>What a group's <see cref="InotifyWatcher"/> is doing.</summary>
public enum WatchState
{
    /// <summary>Not started yet.</summary>
    Idle,

    /// <summary>Every directory is watched; changes are scanned within the debounce.</summary>
    Watching,

    /// <summary>inotify is unavailable (watch or instance limit); changes are found by the periodic rescan (<c>timing.rescan</c>).</summary>
    PeriodicFallback,

    /// <summary>Stopped on shutdown.</summary>
    Stopped,

    /// <summary>The reading loop failed unexpectedly; <see cref="InotifyWatcher.Completion"/> holds the error.</summary>
    Failed,
}
