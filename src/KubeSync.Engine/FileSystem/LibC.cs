using System.Runtime.InteropServices;

namespace KubeSync.Engine.FileSystem;

/// <summary>
/// The few libc calls .NET does not expose: <c>statx</c> (nanosecond mtime, inode, uid/gid in one call, with an
/// architecture-independent layout), directory reading relative to a descriptor, and <c>openat</c> with
/// <c>O_NOFOLLOW</c> so that a symlink swapped in mid-walk is never followed.
/// </summary>
internal static unsafe partial class LibC
{
    private const string Lib = "libc";

    public const int AtFdCwd = -100;
    public const int AtSymlinkNoFollow = 0x100;
    public const int AtEmptyPath = 0x1000;
    public const uint StatxBasicStats = 0x07ff;

    public const int ORdOnly = 0;
    public const int OWrOnly = 1;
    public const int OCreat = 0x40;
    public const int OExcl = 0x80;
    public const int AtRemoveDir = 0x200;
    public const int ONonBlock = 0x800;
    public const int ODirectory = 0x10000;
    public const int ONoFollow = 0x20000;
    public const int OCloExec = 0x80000;
    public const int ONoCtty = 0x100;

    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int EACCES = 13;
    public const int ENOTDIR = 20;
    public const int ELOOP = 40;
    public const int EPERM = 1;
    public const int EMFILE = 24;
    public const int EEXIST = 17;
    public const int ENOTEMPTY = 39;
    public const int EISDIR = 21;

    /// <summary><c>RLIMIT_NOFILE</c>: descriptors a process may hold open.</summary>
    public const int RLimitNoFile = 7;

    [StructLayout(LayoutKind.Sequential)]
    public struct RLimit
    {
        public ulong Current;
        public ulong Max;
    }

    [LibraryImport(Lib, EntryPoint = "getrlimit", SetLastError = true)]
    public static partial int GetRLimit(int resource, out RLimit limit);

    [LibraryImport(Lib, EntryPoint = "statx", SetLastError = true)]
    public static partial int Statx(int dirfd, byte* path, int flags, uint mask, StatxBuffer* buffer);

    [LibraryImport(Lib, EntryPoint = "openat", SetLastError = true)]
    public static partial int OpenAt(int dirfd, byte* path, int flags, int mode);

    [LibraryImport(Lib, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport(Lib, EntryPoint = "dup", SetLastError = true)]
    public static partial int Dup(int fd);

    [LibraryImport(Lib, EntryPoint = "fdopendir", SetLastError = true)]
    public static partial nint FdOpenDir(int fd);

    [LibraryImport(Lib, EntryPoint = "readdir", SetLastError = true)]
    public static partial byte* ReadDir(nint dir);

    [LibraryImport(Lib, EntryPoint = "closedir", SetLastError = true)]
    public static partial int CloseDir(nint dir);

    [LibraryImport(Lib, EntryPoint = "mkdirat", SetLastError = true)]
    public static partial int MkdirAt(int dirfd, byte* path, int mode);

    [LibraryImport(Lib, EntryPoint = "renameat", SetLastError = true)]
    public static partial int RenameAt(int olddirfd, byte* oldpath, int newdirfd, byte* newpath);

    [LibraryImport(Lib, EntryPoint = "unlinkat", SetLastError = true)]
    public static partial int UnlinkAt(int dirfd, byte* path, int flags);

    [LibraryImport(Lib, EntryPoint = "symlinkat", SetLastError = true)]
    public static partial int SymlinkAt(byte* target, int newdirfd, byte* linkpath);

    [LibraryImport(Lib, EntryPoint = "fsync", SetLastError = true)]
    public static partial int Fsync(int fd);

    /// <summary>Writes out and waits for everything dirty on the file system holding <paramref name="fd"/> (data and metadata).</summary>
    [LibraryImport(Lib, EntryPoint = "syncfs", SetLastError = true)]
    public static partial int SyncFs(int fd);

    /// <summary>SYNC_FILE_RANGE_WRITE: start writeback of the dirty pages without waiting for it.</summary>
    public const int SyncFileRangeWrite = 2;

    [LibraryImport(Lib, EntryPoint = "sync_file_range", SetLastError = true)]
    public static partial int SyncFileRange(int fd, long offset, long nbytes, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmod", SetLastError = true)]
    public static partial int Fchmod(int fd, int mode);

    [LibraryImport(Lib, EntryPoint = "fchown", SetLastError = true)]
    public static partial int Fchown(int fd, int uid, int gid);

    [LibraryImport(Lib, EntryPoint = "futimens", SetLastError = true)]
    public static partial int Futimens(int fd, long* times);

    [LibraryImport(Lib, EntryPoint = "pwrite", SetLastError = true)]
    public static partial nint PWrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport(Lib, EntryPoint = "geteuid")]
    public static partial int GetEuid();

    [LibraryImport(Lib, EntryPoint = "getegid")]
    public static partial int GetEgid();

    [LibraryImport(Lib, EntryPoint = "fchownat", SetLastError = true)]
    public static partial int FchownAt(int dirfd, byte* path, int uid, int gid, int flags);

    [LibraryImport(Lib, EntryPoint = "fchmodat", SetLastError = true)]
    public static partial int FchmodAt(int dirfd, byte* path, int mode, int flags);

    [LibraryImport(Lib, EntryPoint = "utimensat", SetLastError = true)]
    public static partial int UtimensAt(int dirfd, byte* path, long* times, int flags);

    [LibraryImport(Lib, EntryPoint = "linkat", SetLastError = true)]
    public static partial int LinkAt(int olddirfd, byte* oldpath, int newdirfd, byte* newpath, int flags);

    [LibraryImport(Lib, EntryPoint = "readlinkat", SetLastError = true)]
    public static partial nint ReadLinkAt(int dirfd, byte* path, byte* buffer, nint size);

    /// <summary>Layout of <c>struct statx</c> (linux/stat.h), fixed across architectures.</summary>
    [StructLayout(LayoutKind.Explicit, Size = 256)]
    public struct StatxBuffer
    {
        [FieldOffset(0)] public uint Mask;
        [FieldOffset(20)] public uint Uid;
        [FieldOffset(24)] public uint Gid;
        [FieldOffset(28)] public ushort Mode;
        [FieldOffset(32)] public ulong Inode;
        [FieldOffset(40)] public ulong Size;
        [FieldOffset(96)] public long CtimeSec;
        [FieldOffset(104)] public uint CtimeNsec;
        [FieldOffset(112)] public long MtimeSec;
        [FieldOffset(120)] public uint MtimeNsec;
        [FieldOffset(136)] public uint DevMajor;
        [FieldOffset(140)] public uint DevMinor;
    }

    /// <summary>Offsets in glibc's 64-bit <c>struct dirent</c>.</summary>
    public const int DirentTypeOffset = 18;
    public const int DirentNameOffset = 19;

    public const byte DtUnknown = 0;
    public const byte DtDir = 4;
}
