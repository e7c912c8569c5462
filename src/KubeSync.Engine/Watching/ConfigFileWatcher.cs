using System.Runtime.InteropServices;
using System.Text;

using KubeSync.Engine.FileSystem;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

using static KubeSync.Engine.Watching.InotifyNative;

namespace KubeSync.Engine.Watching;

/// <summary>
/// Tells when the config file may have changed: inotify on the file's directory, for its own name (written in place,
/// or replaced by a rename as editors and our tests do) and for <c>..data</c>, the symlink a Kubernetes ConfigMap
/// volume swaps to publish a new version (<c>kubesync.yaml → ..data/kubesync.yaml</c>, <c>..data → ..2024_…</c>).
/// Events are debounced for <see cref="Quiet"/>, then <c>changed</c> runs on the watcher's thread; it must be quick.
/// Whether the content really changed is the caller's business.
/// </summary>
public sealed class ConfigFileWatcher : IDisposable
{
    /// <summary>The name a ConfigMap volume renames over to publish a new version.</summary>
    public const string ConfigMapDataLink = "..data";

    private const uint DirectoryMask = InCloseWrite | InMovedTo | InCreate | InDelete | InMovedFrom | InAttrib | InOnlyDir;

    private readonly string _directory;
    private readonly byte[] _fileName;
    private readonly Action _changed;
    private readonly ILogger _logger;
    private int _fd = -1;
    private int _wakeFd = -1;
    private volatile bool _stopping;
    private Thread? _thread;

    /// <param name="path">The config file (as given: a ConfigMap mount's symlink is not resolved).</param>
    /// <param name="changed">Called after events for the file settled.</param>
    public ConfigFileWatcher(string path, Action changed, ILogger? logger = null)
    {
        var full = Path.GetFullPath(path);
        _directory = Path.GetDirectoryName(full) ?? "/";
        _fileName = Encoding.UTF8.GetBytes(Path.GetFileName(full));
        _changed = changed;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>How long events must stop before <c>changed</c> runs (an editor writes in several steps).</summary>
    public TimeSpan Quiet { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Starts watching; false (logged) when inotify is unavailable: SIGHUP still reloads.</summary>
    public unsafe bool Start()
    {
        _fd = InotifyInit1(NonBlock | CloExec);
        if (_fd < 0)
        {
            WatchLog.ConfigWatchFailed(_logger, _directory, NativeFileSystem.Describe(Marshal.GetLastPInvokeError()));
            return false;
        }

        var bytes = Encoding.UTF8.GetBytes(_directory + "\0");
        int wd;
        fixed (byte* p = bytes)
        {
            wd = InotifyAddWatch(_fd, p, DirectoryMask);
        }

        _wakeFd = wd < 0 ? -1 : EventFd(0, NonBlock | CloExec);
        if (wd < 0 || _wakeFd < 0)
        {
            WatchLog.ConfigWatchFailed(_logger, _directory, NativeFileSystem.Describe(Marshal.GetLastPInvokeError()));
            Close();
            return false;
        }

        _thread = new Thread(Run) { IsBackground = true, Name = "config watch" };
        _thread.Start();
        return true;
    }

    private void Run()
    {
        var buffer = new byte[4096];
        var pending = false;
        try
        {
            while (!_stopping)
            {
                var ready = Wait(pending ? (int)Math.Ceiling(Quiet.TotalMilliseconds) : -1);
                if (_stopping)
                {
                    return;
                }

                if (ready)
                {
                    pending |= ReadEvents(buffer);
                }
                else if (pending)
                {
                    pending = false;
                    _changed();
                }
            }
        }
        catch (IOException e)
        {
            WatchLog.ConfigWatchFailed(_logger, _directory, e.Message);
        }
    }

    /// <summary>Polls inotify and the wake-up descriptor: true when events wait, false on the timeout.</summary>
    private unsafe bool Wait(int timeoutMs)
    {
        var fds = stackalloc PollFd[2];
        fds[0] = new PollFd { Fd = _fd, Events = PollIn };
        fds[1] = new PollFd { Fd = _wakeFd, Events = PollIn };
        while (true)
        {
            var rc = Poll(fds, 2, timeoutMs);
            if (rc >= 0)
            {
                return (fds[0].Revents & PollIn) != 0;
            }

            var errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw new IOException($"poll failed: {NativeFileSystem.Describe(errno)}");
            }
        }
    }

    /// <summary>Reads what is queued; true when an event names the file, the ConfigMap link, or events were lost.</summary>
    private unsafe bool ReadEvents(byte[] buffer)
    {
        var relevant = false;
        while (true)
        {
            nint n;
            fixed (byte* b = buffer)
            {
                n = InotifyNative.Read(_fd, b, (nuint)buffer.Length);
            }

            if (n < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                // EINTR: poll reports the rest again.
                return errno is EAGAIN or EINTR ? relevant : throw new IOException($"reading inotify events failed: {NativeFileSystem.Describe(errno)}");
            }

            var data = buffer.AsSpan(0, (int)n);
            while (data.Length >= EventHeaderSize)
            {
                var mask = MemoryMarshal.Read<uint>(data[4..]);
                var length = (int)MemoryMarshal.Read<uint>(data[12..]);
                var name = data.Slice(EventHeaderSize, length);
                var end = name.IndexOf((byte)0);
                name = end < 0 ? name : name[..end];
                relevant |= (mask & InQOverflow) != 0 || name.SequenceEqual(_fileName) || name.SequenceEqual(ConfigMapDataLinkBytes);
                data = data[(EventHeaderSize + length)..];
            }
        }
    }

    private static ReadOnlySpan<byte> ConfigMapDataLinkBytes => "..data"u8;

    private unsafe void Wake()
    {
        if (_wakeFd >= 0)
        {
            long one = 1;
            _ = InotifyNative.Write(_wakeFd, (byte*)&one, sizeof(long));
        }
    }

    private void Close()
    {
        if (_fd >= 0)
        {
            NativeFileSystem.Close(_fd);
            _fd = -1;
        }

        if (_wakeFd >= 0)
        {
            NativeFileSystem.Close(_wakeFd);
            _wakeFd = -1;
        }
    }

    /// <summary>Stops the thread and closes the descriptors.</summary>
    public void Dispose()
    {
        _stopping = true;
        Wake();
        if (_thread is null || _thread.Join(TimeSpan.FromSeconds(5)))
        {
            Close();
        }
    }
}
