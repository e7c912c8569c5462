using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Puts received entries on disk atomically (DESIGN 3.5): a temp file in the target's directory, fsync, mode,
/// owner and mtime, a backup of the old file, rename over the old one, fsync of the directory. A receiving session
/// stages files and settles their durability per burst through an <see cref="ApplyBatch"/>. Directories on
/// the way are opened one segment at a time without following symlinks, so nothing outside the root is ever
/// written. A crash at any point leaves the old file or the new one, and at worst a <c>.kubesync-*.tmp</c> file
/// that the next apply in that directory does not collide with.
/// </summary>
public sealed partial class FileApplier
{
    /// <summary>Prefix of temp files; the rules always exclude <c>.kubesync-*.tmp</c>.</summary>
    public const string TempPrefix = SyncRules.TempFilePrefix;

    private readonly string _root;
    private volatile BackupStore? _backups;
    private readonly IgnoredMetadata _ignore;

    public FileApplier(string root, BackupStore? backups, IgnoredMetadata ignore)
    {
        _root = root;
        _backups = backups;
        _ignore = ignore;
    }

    /// <summary>Where replaced files go from now on (<c>backup</c> changed by a config reload), or null for nowhere.</summary>
    public void UseBackups(BackupStore? backups) => _backups = backups;

    /// <summary>What this applier just wrote, for the watcher to recognize its own events.</summary>
    public AppliedWrites Writes { get; } = new();

    /// <summary>
    /// Only a process with CAP_CHOWN can give files away; without it (non-root, or root with capabilities dropped) a
    /// member keeps its own uid and gid instead of failing every file with EPERM.
    /// </summary>
    private static bool Chown => ProcessCapabilities.CanChown;

    /// <summary>Writes a regular file whose content <paramref name="writeContent"/> streams, if it hashes to <paramref name="sha256"/>, and publishes it durably at once.</summary>
    public async Task<ApplyResult> WriteFileAsync(SyncPath path, FileMetadata meta, byte[] sha256, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken)
    {
        var staged = await StageFileAsync(path, meta, sha256, writeContent, cancellationToken).ConfigureAwait(false);
        if (staged.File is not { } file)
        {
            return staged.Failure!;
        }

        using (file)
        {
            if (LibC.Fsync((int)file.Handle.DangerousGetHandle()) != 0)
            {
                return ApplyResult.Failed($"cannot make {path} durable: {NativeFileSystem.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}");
            }

            var result = Publish(file);
            file.Directory.Sync();
            return result;
        }
    }

    /// <summary>Sets the staged file's metadata, keeps a backup of the old file and renames the new one over it; the directory is not synced.</summary>
    /// <param name="stillSafe">When given, asked with what is at the target now (null: nothing) right before the rename;
    /// false leaves the target alone and the result is <see cref="ApplyOutcome.Stale"/>.</param>
    internal ApplyResult Publish(StagedFile file, Func<FileStat?, bool>? stillSafe = null)
    {
        var result = Replace(file.Directory, file.Path, file.Name, file.Temp, file.Meta, isSymlink: false, stillSafe, file.Handle);
        file.Published = result.Outcome == ApplyOutcome.Applied;
        return result;
    }

    /// <summary>Opens the directory holding <paramref name="entry"/>, if it still exists (to sync it).</summary>
    internal ConfinedDirectory? OpenExistingParent(SyncPath entry) =>
        ConfinedDirectory.OpenParent(_root, entry, create: false, out _, out _, out _);

    /// <summary>Creates a symlink (never following an existing one), replacing what is at the path unless it is a directory.</summary>
    public ApplyResult CreateSymlink(SyncPath path, string target, FileMetadata meta, ApplyBatch? durability = null)
    {
        using var parent = OpenParent(path, create: true, durability, out var outcome, out _, out var reason);
        if (parent.Dir is not { } dir)
        {
            return new ApplyResult(outcome, null, reason);
        }

        var temp = TempName();
        var rc = dir.Symlink(target, temp);
        if (rc != 0)
        {
            return ApplyResult.Failed($"cannot create symlink {path}: {NativeFileSystem.Describe(rc)}");
        }

        var result = Replace(dir, path, Encoding.UTF8.GetBytes(path.Name), temp, meta, isSymlink: true);
        if (result.Outcome != ApplyOutcome.Applied)
        {
            _ = dir.Unlink(temp, directory: false);
        }
        else
        {
            SyncNowOrLater(dir, path, durability);
        }

        return result;
    }

    /// <summary>Creates a directory (and missing parents), or updates the mode of an existing one.</summary>
    /// <param name="durability">When given, the parent directory is synced when that batch publishes instead of now.</param>
    public ApplyResult CreateDirectory(SyncPath path, FileMetadata meta, ApplyBatch? durability = null)
    {
        using var parent = OpenParent(path, create: true, durability, out var outcome, out _, out var reason);
        if (parent.Dir is not { } dir)
        {
            return new ApplyResult(outcome, null, reason);
        }

        var name = Encoding.UTF8.GetBytes(path.Name);
        var rc = dir.MakeDirectory(name, meta.Mode & 0xFFF);
        if (rc == LibC.EEXIST && dir.Stat(name, out var existing) == 0 && existing.Type != EntryType.Directory)
        {
            return ApplyResult.Failed($"{path}: a {existing.Type.ToString().ToLowerInvariant()} is in the way of a directory");
        }

        if (rc is not 0 and not LibC.EEXIST)
        {
            return ApplyResult.Failed($"cannot create directory {path}: {NativeFileSystem.Describe(rc)}");
        }

        rc = dir.SetMetadata(name, meta, isSymlink: false, Chown);
        SyncNowOrLater(dir, path, durability);
        if (rc != 0 || dir.Stat(name, out var stat) != 0)
        {
            return ApplyResult.Failed($"cannot set the metadata of {path}: {NativeFileSystem.Describe(rc)}");
        }

        // An event read before this (the mkdir's) is scanned, which is only extra work; later ones (the metadata's) are not.
        Writes.Record(path, stat);
        return ApplyResult.Applied(stat);
    }

    /// <summary>Removes what is at the path (a directory only when empty); already gone counts as done.</summary>
    public ApplyResult Delete(SyncPath path, ApplyBatch? durability = null)
    {
        using var parent = OpenParent(path, create: false, durability, out var outcome, out var missing, out var reason);
        if (parent.Dir is not { } dir)
        {
            return missing ? ApplyResult.Gone() : new ApplyResult(outcome, null, reason);
        }

        var name = Encoding.UTF8.GetBytes(path.Name);
        var rc = dir.Stat(name, out var stat);
        if (rc == LibC.ENOENT)
        {
            return ApplyResult.Gone();
        }

        if (stat.Type == EntryType.File)
        {
            _backups?.Keep(path, dir.Fd, name);
        }

        Writes.Record(path, null);
        rc = dir.Unlink(name, directory: stat.Type == EntryType.Directory);
        if (rc == 0 && stat.Type == EntryType.Directory)
        {
            durability?.ForgetTree(path);
        }
        if (rc == LibC.ENOTEMPTY)
        {
            return ApplyResult.Failed($"{path}: directory not empty (it holds files the group does not know); left in place");
        }

        if (rc is not 0 and not LibC.ENOENT)
        {
            return ApplyResult.Failed($"cannot delete {path}: {NativeFileSystem.Describe(rc)}");
        }

        SyncNowOrLater(dir, path, durability);
        return ApplyResult.Gone();
    }

    /// <summary>
    /// Opens the regular file at <paramref name="path"/> for reading without following a symlink anywhere on the way,
    /// or returns null (with the reason) when it is missing, not a regular file, or behind a symlink.
    /// </summary>
    /// <remarks>
    /// With <paramref name="parents"/>, the parent directory is kept open there for the next file of the same directory,
    /// instead of being reached from the root again (a pusher reads thousands of siblings in path order).
    /// </remarks>
    public SafeFileHandle? OpenRead(SyncPath path, out FileStat stat, out string? reason, ReadParents? parents = null)
    {
        stat = default;
        reason = null;
        var dir = parents?.Get(path);
        if (dir is null)
        {
            dir = ConfinedDirectory.OpenParent(_root, path, create: false, out _, out _, out reason);
            if (dir is null)
            {
                return null;
            }

            parents?.Keep(path, dir);
        }

        try
        {
            return OpenReadIn(dir, path, out stat, out reason);
        }
        finally
        {
            if (parents is null)
            {
                dir.Dispose();
            }
        }
    }

    private static SafeFileHandle? OpenReadIn(ConfinedDirectory dir, SyncPath path, out FileStat stat, out string? reason)
    {
        stat = default;
        reason = null;
        var name = Encoding.UTF8.GetBytes(path.Name);
        var z = new byte[name.Length + 1];
        name.CopyTo(z, 0);
        int fd;
        unsafe
        {
            fixed (byte* p = z)
            {
                fd = LibC.OpenAt(dir.Fd, p, LibC.ORdOnly | LibC.ONoFollow | LibC.OCloExec | LibC.ONonBlock, 0);
            }
        }

        if (fd < 0)
        {
            reason = $"cannot open {path}: {NativeFileSystem.Describe(System.Runtime.InteropServices.Marshal.GetLastPInvokeError())}";
            return null;
        }

        var handle = new SafeFileHandle(fd, ownsHandle: true);
        if (NativeFileSystem.TryStat(handle, out stat) != 0 || stat.Type != EntryType.File)
        {
            handle.Dispose();
            reason = $"{path} is not a regular file";
            return null;
        }

        return handle;
    }

    /// <param name="tempHandle">
    /// The temp file's open descriptor, when there is one: its metadata is set and read through it, and it is closed
    /// right before the rename, so that the close's IN_CLOSE_WRITE names the temp file (which the watcher drops by its
    /// name) and not the target (which the watcher would have to stat a second time to know it as ours).
    /// </param>
    private ApplyResult Replace(ConfinedDirectory dir, SyncPath path, byte[] name, byte[] temp, FileMetadata meta, bool isSymlink, Func<FileStat?, bool>? stillSafe = null, SafeFileHandle? tempHandle = null)
    {
        var tempFd = tempHandle is null ? -1 : (int)tempHandle.DangerousGetHandle();
        var rc = dir.Stat(name, out var existing);
        var found = rc == 0;

        // Only a target known to be absent counts as nothing there; one that cannot be looked at is not safe to replace.
        if (stillSafe is not null && ((rc is not 0 and not LibC.ENOENT) || !stillSafe(found ? existing : null)))
        {
            return ApplyResult.Stale($"{path} changed here since it was last scanned");
        }

        var owner = meta with
        {
            Uid = (_ignore & IgnoredMetadata.Uid) != 0 ? -1 : meta.Uid,
            Gid = (_ignore & IgnoredMetadata.Gid) != 0 ? -1 : meta.Gid,
        };
        var stat = default(FileStat);
        rc = tempFd >= 0 ? SetMetadata(tempFd, owner, out stat) : dir.SetMetadata(temp, owner, isSymlink, Chown);
        if (rc != 0)
        {
            return ApplyResult.Failed($"cannot set the metadata of {path}: {NativeFileSystem.Describe(rc)}");
        }

        if (found)
        {
            if (existing.Type == EntryType.Directory)
            {
                return ApplyResult.Failed($"{path}: a directory is in the way");
            }

            if (existing.Type == EntryType.File)
            {
                _backups?.Keep(path, dir.Fd, name);
            }
        }

        // The temp file already has the inode, mode, owner, size and mtime the target will have (a rename changes
        // only the ctime): recorded before the rename's event can be read, and returned as the result.
        rc = tempFd >= 0 ? 0 : dir.Stat(temp, out stat);
        if (rc != 0)
        {
            return ApplyResult.Failed($"cannot stat the temp file of {path}: {NativeFileSystem.Describe(rc)}");
        }

        tempHandle?.Dispose();
        Writes.Record(path, stat);
        rc = dir.Rename(temp, name);
        return rc == 0 ? ApplyResult.Applied(stat) : ApplyResult.Failed($"cannot rename into {path}: {NativeFileSystem.Describe(rc)}");
    }

    private static readonly int s_euid = LibC.GetEuid();
    private static readonly int s_egid = LibC.GetEgid();

    /// <summary>
    /// Sets a staged file's owner (when this process may and it differs from what the file was created with), mode and
    /// mtime through its descriptor, without a lookup by name, and returns what the file now is. A new file's group may
    /// come from a set-group-id directory instead of this process: the stat shows it, and the owner is set then.
    /// </summary>
    private static unsafe int SetMetadata(int fd, FileMetadata meta, out FileStat stat)
    {
        stat = default;
        var chown = Chown && ((meta.Uid != -1 && meta.Uid != s_euid) || (meta.Gid != -1 && meta.Gid != s_egid));

        // {atime, mtime}; UTIME_OMIT (2^30 - 2) leaves atime alone.
        var times = stackalloc long[4] { 0, (1L << 30) - 2, meta.MtimeNs / 1_000_000_000, meta.MtimeNs % 1_000_000_000 };
        for (var pass = 0; pass < 2; pass++)
        {
            // The owner first: chown clears the set-id bits that the mode may then set.
            if (chown && LibC.Fchown(fd, meta.Uid, meta.Gid) != 0)
            {
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }

            if (LibC.Fchmod(fd, meta.Mode & 0xFFF) != 0)
            {
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }

            if (LibC.Futimens(fd, times) != 0)
            {
                return System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            }

            var rc = NativeFileSystem.TryStat(fd, out stat);
            if (rc != 0 || chown || !Chown || ((meta.Uid == -1 || stat.Uid == meta.Uid) && (meta.Gid == -1 || stat.Gid == meta.Gid)))
            {
                return rc;
            }

            chown = true;
        }

        return 0;
    }

    /// <summary>The parent of <paramref name="path"/>, from the batch's cache when there is a batch (and then left open).</summary>
    private ParentLease OpenParent(SyncPath path, bool create, ApplyBatch? batch, out ApplyOutcome outcome, out bool missing, out string? reason)
    {
        if (batch?.CachedParent(path) is { } cached)
        {
            outcome = ApplyOutcome.Applied;
            missing = false;
            reason = null;
            return new ParentLease(cached, owned: false);
        }

        var dir = ConfinedDirectory.OpenParent(_root, path, create, out outcome, out missing, out reason);
        if (dir is not null && batch is not null)
        {
            batch.CacheParent(path, dir);
            return new ParentLease(dir, owned: false);
        }

        return new ParentLease(dir, owned: true);
    }

    private static void SyncNowOrLater(ConfinedDirectory dir, SyncPath path, ApplyBatch? durability)
    {
        if (durability is null)
        {
            dir.Sync();
        }
        else
        {
            durability.SyncParentLater(path);
        }
    }

    /// <summary>A parent directory opened for one apply, or lent by a batch's cache (then the batch closes it).</summary>
    private readonly struct ParentLease(ConfinedDirectory? dir, bool owned) : IDisposable
    {
        public ConfinedDirectory? Dir => dir;

        public bool Owned => owned;

        public void Dispose()
        {
            if (owned)
            {
                dir?.Dispose();
            }
        }
    }
}
