using System.Runtime.InteropServices;

namespace KubeSync.Engine.Watching;

/// <summary>The inotify, eventfd and poll calls the watcher uses (linux/inotify.h, sys/eventfd.h, poll.h).</summary>
internal static unsafe partial class InotifyNative
{
    private const string Lib = "libc";

    public const uint InAttrib = 0x4;
    public const uint InCloseWrite = 0x8;
    public const uint InMovedFrom = 0x40;
    public const uint InMovedTo = 0x80;
    public const uint InCreate = 0x100;
    public const uint InDelete = 0x200;
    public const uint InDeleteSelf = 0x400;
    public const uint InMoveSelf = 0x800;
    public const uint InUnmount = 0x2000;
    public const uint InQOverflow = 0x4000;
    public const uint InIgnored = 0x8000;
    public const uint InOnlyDir = 0x0100_0000;
    public const uint InDontFollow = 0x0200_0000;
    public const uint InExclUnlink = 0x0400_0000;
    public const uint InIsDir = 0x4000_0000;

    /// <summary>IN_NONBLOCK and IN_CLOEXEC (also EFD_NONBLOCK and EFD_CLOEXEC): the O_ flags' values.</summary>
    public const int NonBlock = 0x800;
    public const int CloExec = 0x80000;

    public const short PollIn = 0x1;

    public const int EINTR = 4;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int ENFILE = 23;
    public const int ENOSPC = 28;

    /// <summary>Size of <c>struct inotify_event</c> without its name.</summary>
    public const int EventHeaderSize = 16;

    [LibraryImport(Lib, EntryPoint = "inotify_init1", SetLastError = true)]
    public static partial int InotifyInit1(int flags);

    [LibraryImport(Lib, EntryPoint = "inotify_add_watch", SetLastError = true)]
    public static partial int InotifyAddWatch(int fd, byte* path, uint mask);

    [LibraryImport(Lib, EntryPoint = "inotify_rm_watch", SetLastError = true)]
    public static partial int InotifyRmWatch(int fd, int wd);

    [LibraryImport(Lib, EntryPoint = "eventfd", SetLastError = true)]
    public static partial int EventFd(uint initval, int flags);

    [LibraryImport(Lib, EntryPoint = "poll", SetLastError = true)]
    public static partial int Poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport(Lib, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int fd, byte* buffer, nuint count);

    [LibraryImport(Lib, EntryPoint = "write", SetLastError = true)]
    public static partial nint Write(int fd, byte* buffer, nuint count);

    /// <summary><c>struct pollfd</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }
}
