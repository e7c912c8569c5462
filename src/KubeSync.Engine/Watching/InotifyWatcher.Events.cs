using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

using static KubeSync.Engine.Watching.InotifyNative;

namespace KubeSync.Engine.Watching;

/// <summary>The reading loop: poll on inotify and a wake-up eventfd, read the events, map them to paths, flush when due.</summary>
public sealed partial class InotifyWatcher
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private int _wakeFd = -1;

    private void Run()
    {
        try
        {
            var buffer = new byte[64 * 1024];
            var lastRead = 0L;
            while (!_stopping)
            {
                _woken = false;
                Touched();
                while (_injected.TryDequeue(out var mask))
                {
                    Handle(-1, mask, []);
                }

                ApplyUpdates();

                if (_reestablishWanted)
                {
                    Reestablish();
                }

                if (_state == WatchState.PeriodicFallback)
                {
                    // One last full scan for whatever fell between; the periodic rescan takes over.
                    _batch.AddFull();
                    _flushes.Writer.TryWrite(_batch.Take());
                    return;
                }

                if (!_scanning && _batch.IsDue())
                {
                    Flush();
                }

                var timeout = WaitLimit();
                if (Wait(timeout, watchInotify: true, out var readable) && readable && ReadEvents(buffer))
                {
                    Interlocked.Increment(ref _eventReads);

                    // Events are handled as they come; once they come in quick succession (a peer filling the tree,
                    // an unpacked archive), the loop pauses after each read, so a burst costs a wake-up per pause
                    // instead of one per event, for this thread and for every writer that would wake it. A lone
                    // change is read at once, and no pause outlasts a batch that is due.
                    var now = Stopwatch.GetTimestamp();
                    var inBurst = Stopwatch.GetElapsedTime(lastRead, now) <= BurstPause * 2;
                    lastRead = now;
                    timeout = WaitLimit();
                    var pause = timeout == Timeout.InfiniteTimeSpan || BurstPause < timeout ? BurstPause : timeout;
                    // A wake-up read together with the events (a stop, new rules) is not waited out.
                    if (inBurst && pause > TimeSpan.Zero && !_woken)
                    {
                        Wait(pause, watchInotify: false, out _);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            Fail(e);
        }
        finally
        {
            _flushes.Writer.TryComplete();
            _completion.TrySetResult();
            _readingEnded.TrySetResult();
        }
    }

    /// <summary>How long the loop may wait: until the batch is due, or IdleWake while it is empty or being scanned.</summary>
    private TimeSpan WaitLimit() => _scanning || _batch.IsEmpty ? IdleWake : _batch.DueIn();

    private void Flush()
    {
        if (_ownWrites is { } own)
        {
            // A second look at what the applier may have recorded since its event was read.
            _batch.DropWhere(p => own.IsOwn(p, _root));
        }

        var requests = _batch.Take();
        if (requests.Count == 0)
        {
            return;
        }

        WatchLog.Flushing(_logger, Group, requests.Where(r => !r.Recursive).Sum(r => r.Paths!.Count), requests.Where(r => r.Recursive && r.Paths is not null).Sum(r => r.Paths!.Count), requests.Any(r => r.Paths is null));
        _scanning = true;
        _flushes.Writer.TryWrite(requests);
    }

    /// <summary>
    /// Polls the wake-up descriptor, and inotify when <paramref name="watchInotify"/>; true unless interrupted,
    /// <paramref name="readable"/> when events wait.
    /// </summary>
    private unsafe bool Wait(TimeSpan timeout, bool watchInotify, out bool readable)
    {
        readable = false;
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _wakeFd, Events = PollIn };
        fds[1] = new PollFd { Fd = _fd, Events = PollIn };
        var ms = timeout == Timeout.InfiniteTimeSpan ? -1 : (int)Math.Ceiling(Math.Min(timeout.TotalMilliseconds, int.MaxValue));
        var rc = Poll(fds, watchInotify ? 2u : 1u, ms);
        if (rc < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            return errno == EINTR ? false : throw new IOException($"poll on inotify failed: {NativeFileSystem.Describe(errno)}");
        }

        if ((fds[0].Revents & PollIn) != 0)
        {
            long value;
            _ = InotifyNative.Read(_wakeFd, (byte*)&value, sizeof(long));
            _woken = true;
        }

        readable = watchInotify && (fds[1].Revents & PollIn) != 0;
        return true;
    }

    private unsafe void Wake()
    {
        var fd = Volatile.Read(ref _wakeFd);
        if (fd >= 0)
        {
            long one = 1;
            _ = InotifyNative.Write(fd, (byte*)&one, sizeof(long));
        }
    }

    private void OpenWake()
    {
        var fd = EventFd(0, NonBlock | CloExec);
        if (fd < 0)
        {
            throw new IOException($"eventfd failed: {NativeFileSystem.Describe(Marshal.GetLastPInvokeError())}");
        }

        Volatile.Write(ref _wakeFd, fd);
    }

    private void CloseWake()
    {
        var fd = Interlocked.Exchange(ref _wakeFd, -1);
        if (fd >= 0)
        {
            NativeFileSystem.Close(fd);
        }
    }

    /// <summary>Reads and handles every event queued; true when there was any.</summary>
    private unsafe bool ReadEvents(byte[] buffer)
    {
        var any = false;
        while (_fd >= 0)
        {
            nint n;
            fixed (byte* b = buffer)
            {
                n = InotifyNative.Read(_fd, b, (nuint)buffer.Length);
            }

            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EAGAIN)
                {
                    return any;
                }

                if (errno != EINTR)
                {
                    throw new IOException($"reading inotify events failed: {NativeFileSystem.Describe(errno)}");
                }

                continue;
            }

            any |= n > 0;
            Parse(buffer.AsSpan(0, (int)n));
        }

        return any;
    }

    private void Parse(ReadOnlySpan<byte> data)
    {
        while (data.Length >= EventHeaderSize && _fd >= 0)
        {
            var wd = MemoryMarshal.Read<int>(data);
            var mask = MemoryMarshal.Read<uint>(data[4..]);
            var length = (int)MemoryMarshal.Read<uint>(data[12..]);
            var name = data.Slice(EventHeaderSize, length);
            var end = name.IndexOf((byte)0);
            Handle(wd, mask, end < 0 ? name : name[..end]);
            data = data[(EventHeaderSize + length)..];
        }
    }

    /// <summary>Maps one event to what must be scanned.</summary>
    private void Handle(int wd, uint mask, ReadOnlySpan<byte> name)
    {
        if ((mask & InQOverflow) != 0)
        {
            WatchLog.Overflow(_logger, Group, Interlocked.Increment(ref _overflows));
            Overflowed?.Invoke();
            _reestablishWanted = true;
            return;
        }

        if (!_directories.TryGetValue(wd, out var dir))
        {
            return;
        }

        if ((mask & InIgnored) != 0)
        {
            Forget(wd, dir);
            return;
        }

        if ((mask & (InDeleteSelf | InMoveSelf | InUnmount)) != 0)
        {
            // Below the root, the parent's event reports the directory itself.
            if (wd == _rootWd)
            {
                WatchLog.RootGone(_logger, Group);
                _batch.AddFull();
            }

            return;
        }

        if (name.IsEmpty)
        {
            // An attribute change of the watched directory itself.
            if (dir is not null)
            {
                _batch.Add(dir);
            }

            return;
        }

        // The applier's temp files are never synced (SyncRules): most events of a received file are theirs, and
        // they stop here, before the name is decoded and the rules are asked.
        if (SyncRules.IsApplierTempName(name))
        {
            return;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(name);
        }
        catch (DecoderFallbackException)
        {
            return; // Never synced; the scanner reports such names.
        }

        if (!SyncPath.TryCombine(dir, text, out var path, out _) || _rules.Evaluate(path) == RuleDecision.Exclude)
        {
            return;
        }

        // The applier's own writes are recorded already: an event that finds exactly what it left is not scanned.
        var own = _ownWrites?.IsOwn(path, _root) == true;
        if ((mask & InIsDir) == 0)
        {
            if (!own)
            {
                // A file just created is still being written: its IN_CLOSE_WRITE (or the debounce) makes it due.
                _batch.Add(path, complete: (mask & InCreate) == 0);
            }
        }
        else if ((mask & (InCreate | InMovedTo)) != 0)
        {
            // Files may have been created in it before its watch landed: scan the subtree once watched (unless
            // the applier made it: what it puts inside is recorded as it lands).
            if (WatchTree(path) && !own)
            {
                _batch.AddTree(path);
            }
        }
        else if ((mask & (InDelete | InMovedFrom)) != 0)
        {
            Unwatch(path);
            _batch.AddTree(path);
        }
        else if (!own)
        {
            _batch.Add(path);
        }
    }
}
