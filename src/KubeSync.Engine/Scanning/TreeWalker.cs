using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// Walks a sync root with <c>readdir</c> + <c>statx</c> (no per-file open), never following symlinks, and yields
/// entries in the UTF-8 byte order of their paths: the order of the state database's primary key, so the
/// scanner can merge the two streams without loading either. In a directory, entry <c>a</c> sorts before
/// <c>a-b</c>, but the contents of <c>a</c> (<c>a/...</c>) sort after it, so each directory contributes two
/// sort keys: its name (the entry) and its name plus '/' (its contents).
/// </summary>
internal sealed class TreeWalker
{
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    private readonly string _root;
    private readonly SyncRules _rules;
    private readonly HashSet<DirectoryIdentity> _open = [];

    public TreeWalker(string root, SyncRules rules)
    {
        _root = root;
        _rules = rules;
    }

    /// <summary>Walks the whole root.</summary>
    public IEnumerable<WalkItem> WalkRoot(CancellationToken cancellationToken)
    {
        var rc = NativeFileSystem.TryOpenDirectory(LibC.AtFdCwd, Encoding.UTF8.GetBytes(_root), out var fd);
        if (rc == LibC.ELOOP)
        {
            // The root itself may be a symlink (a ConfigMap-style mount); follow it once.
            rc = NativeFileSystem.TryOpenDirectory(LibC.AtFdCwd, Encoding.UTF8.GetBytes(FollowRoot()), out fd);
        }

        if (rc != 0)
        {
            throw new IOException($"cannot read sync root {_root}: {NativeFileSystem.Describe(rc)}");
        }

        return WalkDirectory(fd, null, cancellationToken);
    }

    /// <summary>Walks one path: yields its entry (when included) and, if <paramref name="recursive"/>, its subtree.</summary>
    public IEnumerable<WalkItem> WalkPath(SyncPath path, bool recursive, CancellationToken cancellationToken)
    {
        var full = Path.Combine(_root, path.Value);
        var rc = NativeFileSystem.TryStat(full, out var stat);
        if (rc != 0)
        {
            if (rc != LibC.ENOENT && rc != LibC.ENOTDIR)
            {
                yield return new WalkItem.SkippedSubtree(path, NativeFileSystem.Describe(rc));
            }

            yield break;
        }

        var decision = _rules.Evaluate(path);
        if (decision == RuleDecision.Include)
        {
            yield return ToEntry(path, stat, LibC.AtFdCwd, Encoding.UTF8.GetBytes(full));
        }

        if (recursive && stat.Type == EntryType.Directory && decision != RuleDecision.Exclude)
        {
            rc = NativeFileSystem.TryOpenDirectory(LibC.AtFdCwd, Encoding.UTF8.GetBytes(full), out var fd);
            if (rc != 0)
            {
                yield return new WalkItem.SkippedSubtree(path, NativeFileSystem.Describe(rc));
                yield break;
            }

            foreach (var item in WalkDirectory(fd, path, cancellationToken))
            {
                yield return item;
            }
        }
    }

    private IEnumerable<WalkItem> WalkDirectory(int fd, SyncPath? dir, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var items = new WalkSlotList();
        DirectoryIdentity identity = default;
        try
        {
            if (NativeFileSystem.TryStat(new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: false), out var self) == 0)
            {
                identity = new DirectoryIdentity(self.Device, self.Inode);
                if (!_open.Add(identity))
                {
                    yield return new WalkItem.Problem(dir, dir?.Value ?? ".", "directory reached twice (bind-mount loop); not descending", ScanProblem.Loop);
                    yield break;
                }
            }

            var names = new List<byte[]>();
            var listError = NativeFileSystem.TryListAndClose(NativeDup(fd), names);
            if (listError != 0 && dir is null)
            {
                throw new IOException($"cannot list sync root {_root}: {NativeFileSystem.Describe(listError)}");
            }

            if (listError != 0)
            {
                yield return new WalkItem.SkippedSubtree(dir!, NativeFileSystem.Describe(listError));
                yield break;
            }

            foreach (var name in names)
            {
                Classify(fd, dir, name, items);
            }

            items.Sort();
            for (var i = 0; i < items.Count; i++)
            {
                var (_, item, name, path) = items[i];
                if (item is not null)
                {
                    yield return item;
                    continue;
                }

                // A descend marker: open the child relative to this directory, refusing a symlink swapped in since the stat.
                var rc = NativeFileSystem.TryOpenDirectory(fd, name, out var child);
                if (rc != 0)
                {
                    yield return rc == LibC.ENOENT
                        ? new WalkItem.Problem(path, path!.Value, "vanished while scanning", ScanProblem.Vanished)
                        : new WalkItem.SkippedSubtree(path!, NativeFileSystem.Describe(rc));
                    continue;
                }

                foreach (var nested in WalkDirectory(child, path, cancellationToken))
                {
                    yield return nested;
                }
            }
        }
        finally
        {
            _open.Remove(identity);
            NativeFileSystem.Close(fd);
        }
    }

    private void Classify(int fd, SyncPath? dir, byte[] name, WalkSlotList items)
    {
        string text;
        try
        {
            text = StrictUtf8.GetString(name);
        }
        catch (DecoderFallbackException)
        {
            var where = (dir is null ? "" : dir.Value + "/") + Encoding.UTF8.GetString(name);
            items.Add(new WalkSlot(where, new WalkItem.Problem(null, SyncPath.Printable(where), "name is not valid UTF-8; not synced", ScanProblem.InvalidName), name, null));
            return;
        }

        if (!SyncPath.TryCombine(dir, text, out var path, out var error))
        {
            var where = (dir is null ? "" : dir.Value + "/") + text;
            items.Add(new WalkSlot(where, new WalkItem.Problem(null, SyncPath.Printable(where), $"name cannot be synced: {error}", ScanProblem.InvalidName), name, null));
            return;
        }

        var decision = _rules.Evaluate(path);
        if (decision == RuleDecision.Exclude)
        {
            return;
        }

        var rc = NativeFileSystem.TryStat(fd, name, out var stat);
        if (rc != 0)
        {
            items.Add(new WalkSlot(path.Value, rc == LibC.ENOENT
                ? new WalkItem.Problem(path, path.Value, "vanished while scanning", ScanProblem.Vanished)
                : new WalkItem.Problem(path, path.Value, NativeFileSystem.Describe(rc), ScanProblem.Unreadable), name, path));
            return;
        }

        if (decision == RuleDecision.Include)
        {
            items.Add(new WalkSlot(path.Value, ToEntry(path, stat, fd, name), name, path));
        }

        if (stat.Type == EntryType.Directory)
        {
            items.Add(new WalkSlot(path.Value + "/", null, name, path));
        }
    }

    private static WalkItem ToEntry(SyncPath path, FileStat stat, int dirFd, byte[] name)
    {
        switch (stat.Type)
        {
            case EntryType.Other:
                return new WalkItem.Problem(path, path.Value, "not a regular file, directory or symlink; not synced", ScanProblem.Unsupported);
            case EntryType.Symlink:
                var rc = NativeFileSystem.TryReadLink(dirFd, name, out var target);
                if (rc != 0)
                {
                    return new WalkItem.Problem(path, path.Value, "cannot read link: " + NativeFileSystem.Describe(rc), rc == LibC.ENOENT ? ScanProblem.Vanished : ScanProblem.Unreadable);
                }

                try
                {
                    return new WalkItem.Entry(path, stat, StrictUtf8.GetString(target));
                }
                catch (DecoderFallbackException)
                {
                    return new WalkItem.Problem(path, path.Value, "symlink target is not valid UTF-8; not synced", ScanProblem.InvalidName);
                }

            default:
                return new WalkItem.Entry(path, stat, null);
        }
    }

    private string FollowRoot()
    {
        var info = new DirectoryInfo(_root);
        return info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? _root;
    }

    /// <summary>fdopendir takes ownership of its descriptor; listing works on a duplicate so <paramref name="fd"/> stays usable for openat/statx.</summary>
    private static int NativeDup(int fd) => LibC.Dup(fd);
}
