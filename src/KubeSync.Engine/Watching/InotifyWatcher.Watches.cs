using System.Runtime.InteropServices;
using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

using static KubeSync.Engine.Watching.InotifyNative;

namespace KubeSync.Engine.Watching;

/// <summary>The watch table: one watch per directory, the descriptor mapped to the directory's path (null for the root).</summary>
public sealed partial class InotifyWatcher
{
    private const uint DirectoryMask = InAttrib | InCloseWrite | InMovedFrom | InMovedTo | InCreate | InDelete | InDeleteSelf | InMoveSelf | InOnlyDir | InExclUnlink;

    private static readonly EnumerationOptions Subdirectories = new() { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true, RecurseSubdirectories = false };

    private readonly Dictionary<int, SyncPath?> _directories = [];
    private readonly Dictionary<SyncPath, int> _watches = [];
    private int _fd = -1;
    private int _rootWd = -1;
    private int _watchCount;
    private bool _reestablishing;
    private bool _reestablishWanted;

    private bool OpenInotify()
    {
        var fd = InitFault?.Invoke() is { } fault and not 0 ? -fault : InotifyInit1(NonBlock | CloExec);
        if (fd >= 0)
        {
            _fd = fd;
            return true;
        }

        var errno = InitFault is null ? Marshal.GetLastPInvokeError() : -fd;
        Interlocked.Increment(ref _watchLimitHits);
        WatchLog.InitFailed(_logger, Group, NativeFileSystem.Describe(errno), ReadLimit("max_user_instances"));
        EnterFallback($"inotify_init1 failed: {NativeFileSystem.Describe(errno)}");
        return false;
    }

    private void CloseInotify()
    {
        if (_fd >= 0)
        {
            NativeFileSystem.Close(_fd);
            _fd = -1;
        }

        _directories.Clear();
        _watches.Clear();
        _rootWd = -1;
        Volatile.Write(ref _watchCount, 0);
    }

    /// <summary>Closes inotify: the daemon's periodic rescan finds the changes from now on.</summary>
    private void EnterFallback(string reason)
    {
        CloseInotify();
        FallbackReason = reason;
        _state = WatchState.PeriodicFallback;
    }

    /// <summary>After an overflow (or a failed watch): a fresh descriptor and watches, then one full rescan.</summary>
    private void Reestablish()
    {
        _reestablishWanted = false;
        CloseInotify();
        if (!OpenInotify())
        {
            return;
        }

        _reestablishing = true;
        try
        {
            WatchTree(null);
        }
        finally
        {
            _reestablishing = false;
        }

        _batch.AddFull();
    }

    /// <summary>
    /// Watches <paramref name="top"/> and every directory below it that the rules do not exclude, each watch added
    /// before its directory is listed so that nothing created meanwhile is missed. False when the watch limit was hit
    /// (the watcher has fallen back to periodic scanning).
    /// </summary>
    private bool WatchTree(SyncPath? top)
    {
        var pending = new Stack<SyncPath?>();
        pending.Push(top);
        while (pending.TryPop(out var dir))
        {
            var errno = AddWatch(dir);
            if (errno == ENOSPC)
            {
                Interlocked.Increment(ref _watchLimitHits);
                WatchLog.WatchLimit(_logger, Group, Describe(dir), ReadLimit("max_user_watches"));
                EnterFallback("inotify watch limit (fs.inotify.max_user_watches) reached");
                return false;
            }

            if (errno is LibC.ENOENT or LibC.ENOTDIR or LibC.ELOOP)
            {
                // Gone or replaced by a non-directory since it was listed: its parent's event reports that.
                continue;
            }

            if (errno != 0)
            {
                Interlocked.Increment(ref _watchFailures);
                WatchLog.WatchFailed(_logger, Group, Describe(dir), NativeFileSystem.Describe(errno));
                _batch.AddFull();
                _reestablishWanted |= !_reestablishing && _state == WatchState.Watching;
                continue;
            }

            foreach (var child in ListSubdirectories(dir))
            {
                if (_rules.Evaluate(child) != RuleDecision.Exclude)
                {
                    pending.Push(child);
                }
            }
        }

        return true;
    }

    private unsafe int AddWatch(SyncPath? dir)
    {
        if (AddWatchFault?.Invoke(dir) is { } fault and not 0)
        {
            return fault;
        }

        // The root may be a symlink (a ConfigMap-style mount) and is followed; nothing below it is.
        var mask = dir is null ? DirectoryMask : DirectoryMask | InDontFollow;
        var bytes = Encoding.UTF8.GetBytes(FullPath(dir) + "\0");
        int wd;
        fixed (byte* p = bytes)
        {
            wd = InotifyAddWatch(_fd, p, mask);
        }

        if (wd < 0)
        {
            return Marshal.GetLastPInvokeError();
        }

        // The same directory watched again (moved back, or re-added) keeps its descriptor: the new path wins.
        if (_directories.TryGetValue(wd, out var old) && old is not null)
        {
            _watches.Remove(old);
        }

        _directories[wd] = dir;
        if (dir is null)
        {
            _rootWd = wd;
        }
        else
        {
            _watches[dir] = wd;
        }

        Volatile.Write(ref _watchCount, _directories.Count);
        return 0;
    }

    /// <summary>Removes the watches of a directory that was moved away or deleted, with its subtree's.</summary>
    private void Unwatch(SyncPath dir)
    {
        var gone = _watches.Where(w => w.Key == dir || dir.IsAncestorOf(w.Key)).ToList();
        foreach (var (path, wd) in gone)
        {
            _ = InotifyRmWatch(_fd, wd);
            _watches.Remove(path);
            _directories.Remove(wd);
        }

        Volatile.Write(ref _watchCount, _directories.Count);
    }

    /// <summary>The kernel dropped a watch (its directory is gone, or it was removed).</summary>
    private void Forget(int wd, SyncPath? dir)
    {
        _directories.Remove(wd);
        if (dir is not null && _watches.TryGetValue(dir, out var current) && current == wd)
        {
            _watches.Remove(dir);
        }

        Volatile.Write(ref _watchCount, _directories.Count);
    }

    private List<SyncPath> ListSubdirectories(SyncPath? dir)
    {
        var children = new List<SyncPath>();
        try
        {
            foreach (var full in Directory.EnumerateDirectories(FullPath(dir), "*", Subdirectories))
            {
                if (SyncPath.TryCombine(dir, Path.GetFileName(full), out var child, out _))
                {
                    children.Add(child);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Vanished or unreadable: an event or the scanner reports it.
        }

        return children;
    }

    private string FullPath(SyncPath? dir) => dir is null ? _root : Path.Combine(_root, dir.Value);

    private static string Describe(SyncPath? dir) => dir?.Value ?? ".";

    private static string ReadLimit(string name)
    {
        try
        {
            return File.ReadAllText("/proc/sys/fs/inotify/" + name).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }
}
