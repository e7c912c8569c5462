using System.Runtime.InteropServices;
using System.Text;

namespace KubeSync.Engine.FileSystem;

/// <summary>Safe wrappers over <see cref="LibC"/>: stat without following links, descriptor-relative opens, directory listing.</summary>
public static unsafe class NativeFileSystem
{
    private const int MaxNameBytes = 4096;

    /// <summary>lstat of <paramref name="name"/> relative to directory descriptor <paramref name="dirFd"/> (or an absolute path with <see cref="LibC.AtFdCwd"/>).</summary>
    /// <returns>0 on success, else the errno.</returns>
    public static int TryStat(int dirFd, ReadOnlySpan<byte> name, out FileStat stat)
    {
        LibC.StatxBuffer buffer;
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[^1] = 0;
        int rc;
        fixed (byte* p = z)
        {
            rc = LibC.Statx(dirFd, p, LibC.AtSymlinkNoFollow, LibC.StatxBasicStats, &buffer);
        }

        if (rc != 0)
        {
            stat = default;
            return Marshal.GetLastPInvokeError();
        }

        stat = ToStat(buffer);
        return 0;
    }

    /// <summary>lstat of a full path.</summary>
    public static int TryStat(string path, out FileStat stat) => TryStat(LibC.AtFdCwd, Encoding.UTF8.GetBytes(path), out stat);

    /// <summary>fstat of an open descriptor held as a number (the caller keeps it open).</summary>
    public static int TryStat(int fd, out FileStat stat)
    {
        LibC.StatxBuffer buffer;
        byte empty = 0;
        if (LibC.Statx(fd, &empty, LibC.AtEmptyPath | LibC.AtSymlinkNoFollow, LibC.StatxBasicStats, &buffer) != 0)
        {
            stat = default;
            return Marshal.GetLastPInvokeError();
        }

        stat = ToStat(buffer);
        return 0;
    }

    /// <summary>fstat of an open descriptor.</summary>
    public static int TryStat(SafeHandle handle, out FileStat stat)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        try
        {
            return TryStat((int)handle.DangerousGetHandle(), out stat);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    /// <summary>Opens a directory below <paramref name="dirFd"/> without following a symlink in its place.</summary>
    public static int TryOpenDirectory(int dirFd, ReadOnlySpan<byte> name, out int fd) =>
        TryOpenAt(dirFd, name, LibC.ORdOnly | LibC.ODirectory | LibC.ONoFollow | LibC.OCloExec, out fd);

    /// <summary>Opens a regular file for reading without following a symlink in its place and without blocking on a FIFO.</summary>
    public static int TryOpenRead(string path, out Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var rc = TryOpenAt(LibC.AtFdCwd, Encoding.UTF8.GetBytes(path), LibC.ORdOnly | LibC.ONoFollow | LibC.OCloExec | LibC.ONonBlock | LibC.ONoCtty, out var fd);
        handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(rc == 0 ? fd : -1, ownsHandle: rc == 0);
        return rc;
    }

    /// <summary>Reads the target of a symlink below <paramref name="dirFd"/>.</summary>
    public static int TryReadLink(int dirFd, ReadOnlySpan<byte> name, out byte[] target)
    {
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[^1] = 0;
        var buffer = new byte[MaxNameBytes];
        nint n;
        fixed (byte* p = z)
        fixed (byte* b = buffer)
        {
            n = LibC.ReadLinkAt(dirFd, p, b, buffer.Length);
        }

        if (n < 0)
        {
            target = [];
            return Marshal.GetLastPInvokeError();
        }

        target = buffer.AsSpan(0, (int)n).ToArray();
        return 0;
    }

    /// <summary>Lists the names in an open directory (not <c>.</c> or <c>..</c>) and closes the descriptor's stream.</summary>
    /// <remarks>Takes ownership of a duplicate-free descriptor: the caller must not close <paramref name="fd"/> afterwards.</remarks>
    public static int TryListAndClose(int fd, List<byte[]> names)
    {
        var dir = LibC.FdOpenDir(fd);
        if (dir == 0)
        {
            var err = Marshal.GetLastPInvokeError();
            LibC.Close(fd);
            return err;
        }

        try
        {
            while (true)
            {
                Marshal.SetLastPInvokeError(0);
                var entry = LibC.ReadDir(dir);
                if (entry is null)
                {
                    return Marshal.GetLastPInvokeError();
                }

                var name = new ReadOnlySpan<byte>(entry + LibC.DirentNameOffset, MaxNameBytes);
                name = name[..name.IndexOf((byte)0)];
                if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                {
                    continue;
                }

                names.Add(name.ToArray());
            }
        }
        finally
        {
            LibC.CloseDir(dir);
        }
    }

    /// <summary>
    /// Hard-links the entry <paramref name="name"/> of directory <paramref name="dirFd"/> as <paramref name="newPath"/>
    /// (linkat without following a symlink); false when the file system cannot (another device, no links).
    /// </summary>
    public static bool TryHardLink(int dirFd, ReadOnlySpan<byte> name, string newPath)
    {
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[^1] = 0;
        fixed (byte* o = z)
        fixed (byte* n = Encoding.UTF8.GetBytes(newPath + "\0"))
        {
            return LibC.LinkAt(dirFd, o, LibC.AtFdCwd, n, 0) == 0;
        }
    }

    /// <summary>Opens the entry <paramref name="name"/> of directory <paramref name="dirFd"/> for reading, refusing a symlink.</summary>
    public static int TryOpenReadAt(int dirFd, ReadOnlySpan<byte> name, out Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        var rc = TryOpenAt(dirFd, name, LibC.ORdOnly | LibC.ONoFollow | LibC.OCloExec | LibC.ONonBlock | LibC.ONoCtty, out var fd);
        handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(rc == 0 ? fd : -1, ownsHandle: rc == 0);
        return rc;
    }

    /// <summary>Closes a descriptor from <see cref="TryOpenDirectory"/>.</summary>
    public static void Close(int fd) => LibC.Close(fd);

    /// <summary>A person-readable message for an errno.</summary>
    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    private static int TryOpenAt(int dirFd, ReadOnlySpan<byte> name, int flags, out int fd)
    {
        Span<byte> z = stackalloc byte[name.Length + 1];
        name.CopyTo(z);
        z[^1] = 0;
        fixed (byte* p = z)
        {
            fd = LibC.OpenAt(dirFd, p, flags, 0);
        }

        return fd < 0 ? Marshal.GetLastPInvokeError() : 0;
    }

    private static FileStat ToStat(in LibC.StatxBuffer b)
    {
        var type = (b.Mode & 0xF000) switch
        {
            0x8000 => EntryType.File,
            0x4000 => EntryType.Directory,
            0xA000 => EntryType.Symlink,
            _ => EntryType.Other,
        };
        return new FileStat(
            type,
            (long)b.Size,
            (b.MtimeSec * 1_000_000_000L) + b.MtimeNsec,
            b.Mode,
            (int)b.Uid,
            (int)b.Gid,
            (long)b.Inode,
            ((long)b.DevMajor << 32) | b.DevMinor,
            (b.CtimeSec * 1_000_000_000L) + b.CtimeNsec);
    }
}
