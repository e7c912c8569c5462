using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// An open directory descriptor reached from the sync root one segment at a time with
/// <c>O_NOFOLLOW | O_DIRECTORY</c>: whatever symlinks a peer or the app plants in the tree, a write through it
/// lands inside the root or not at all (DESIGN 3.1, contract point 5).
/// </summary>
internal sealed unsafe class ConfinedDirectory : IDisposable
{
    private ConfinedDirectory(int fd) => Fd = fd;

    public int Fd { get; private set; }

    private long? _device;

    /// <summary>
    /// The device of the file system holding this directory, read once (-1 when it cannot be read): a root may hold
    /// other mounts, and a <c>syncfs</c> covers one file system.
    /// </summary>
    public long Device => _device ??= NativeFileSystem.TryStat(Fd, out var stat) == 0 ? stat.Device : -1;

    /// <summary>Opens the parent of <paramref name="path"/>, creating missing directories (mode 0755) when <paramref name="create"/>.</summary>
    /// <returns>null with <paramref name="outcome"/> <see cref="ApplyOutcome.Refused"/> when a segment is a symlink or not a
    /// directory, <see cref="ApplyOutcome.Failed"/> when it cannot be opened; <paramref name="missing"/> when a segment does not exist (and <paramref name="create"/> is false).</returns>
    public static ConfinedDirectory? OpenParent(string root, SyncPath path, bool create, out ApplyOutcome outcome, out bool missing, out string? reason)
    {
        outcome = ApplyOutcome.Failed;
        missing = false;
        var rc = NativeFileSystem.TryOpenDirectory(LibC.AtFdCwd, Encoding.UTF8.GetBytes(root), out var fd);
        if (rc == LibC.ELOOP)
        {
            // The root itself may be a symlink (a ConfigMap-style mount): it is configured, not peer-supplied.
            rc = NativeFileSystem.TryOpenDirectory(LibC.AtFdCwd, Encoding.UTF8.GetBytes(Path.GetFullPath(new DirectoryInfo(root).ResolveLinkTarget(true)?.FullName ?? root)), out fd);
        }

        if (rc != 0)
        {
            reason = $"cannot open the sync root: {NativeFileSystem.Describe(rc)}";
            return null;
        }

        var current = new ConfinedDirectory(fd);
        var segments = path.Value.Split('/');
        for (var i = 0; i < segments.Length - 1; i++)
        {
            var name = Encoding.UTF8.GetBytes(segments[i]);
            rc = NativeFileSystem.TryOpenDirectory(current.Fd, name, out var child);
            if (rc == LibC.ENOENT && create)
            {
                rc = current.MakeDirectory(name, 0x1ED);
                rc = rc is 0 or LibC.EEXIST ? NativeFileSystem.TryOpenDirectory(current.Fd, name, out child) : rc;
            }

            if (rc != 0)
            {
                current.Dispose();
                missing = rc == LibC.ENOENT;
                outcome = rc is LibC.ELOOP or LibC.ENOTDIR ? ApplyOutcome.Refused : ApplyOutcome.Failed;
                var at = string.Join('/', segments[..(i + 1)]);
                reason = rc is LibC.ELOOP or LibC.ENOTDIR
                    ? $"{at} is a symlink or not a directory; refusing to write through it"
                    : $"cannot open {at}: {NativeFileSystem.Describe(rc)}";
                return null;
            }

            current.Dispose();
            current = new ConfinedDirectory(child);
        }

        reason = null;
        outcome = ApplyOutcome.Applied;
        return current;
    }

    public int MakeDirectory(ReadOnlySpan<byte> name, int mode)
    {
        fixed (byte* p = Z(name))
        {
            return LibC.MkdirAt(Fd, p, mode) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
    }

    public int Rename(ReadOnlySpan<byte> from, ReadOnlySpan<byte> to)
    {
        fixed (byte* f = Z(from))
        fixed (byte* t = Z(to))
        {
            return LibC.RenameAt(Fd, f, Fd, t) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
    }

    public int Unlink(ReadOnlySpan<byte> name, bool directory)
    {
        fixed (byte* p = Z(name))
        {
            return LibC.UnlinkAt(Fd, p, directory ? LibC.AtRemoveDir : 0) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
    }

    public int Symlink(string target, ReadOnlySpan<byte> name)
    {
        fixed (byte* t = Z(Encoding.UTF8.GetBytes(target)))
        fixed (byte* p = Z(name))
        {
            return LibC.SymlinkAt(t, Fd, p) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Sets mode, owner (unless <paramref name="chown"/> is false) and mtime of an entry, never following a symlink.</summary>
    public int SetMetadata(ReadOnlySpan<byte> name, FileMetadata meta, bool isSymlink, bool chown)
    {
        fixed (byte* p = Z(name))
        {
            if (chown && LibC.FchownAt(Fd, p, meta.Uid, meta.Gid, LibC.AtSymlinkNoFollow) != 0)
            {
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }

            // Linux has no lchmod: a symlink's own mode means nothing, so it is left alone.
            if (!isSymlink && LibC.FchmodAt(Fd, p, meta.Mode & 0xFFF, 0) != 0)
            {
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }

            // utimensat takes {atime, mtime} as two timespecs; UTIME_OMIT (2^30 - 2) leaves atime alone.
            var times = stackalloc long[4] { 0, (1L << 30) - 2, meta.MtimeNs / 1_000_000_000, meta.MtimeNs % 1_000_000_000 };
            return LibC.UtimensAt(Fd, p, times, LibC.AtSymlinkNoFollow) == 0 ? 0 : System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
        }
    }

    /// <summary>Makes renames and unlinks in this directory durable.</summary>
    public void Sync() => _ = LibC.Fsync(Fd);

    public int Stat(ReadOnlySpan<byte> name, out FileStat stat) => NativeFileSystem.TryStat(Fd, name, out stat);

    public void Dispose()
    {
        if (Fd >= 0)
        {
            NativeFileSystem.Close(Fd);
            Fd = -1;
        }
    }

    private static byte[] Z(ReadOnlySpan<byte> s)
    {
        var z = new byte[s.Length + 1];
        s.CopyTo(z);
        return z;
    }
}
