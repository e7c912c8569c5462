using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Keeps the last <c>generations</c> versions of replaced or deleted files under the backup directory, mirroring
/// the tree: <c>PATH.1</c> is the newest, <c>PATH.N</c> the oldest. Rotation moves every generation up one
/// before the new one is written, so generations never skip or overwrite each other (csync2's rotation does).
/// </summary>
public sealed class BackupStore
{
    private readonly BackupConfig _config;

    public BackupStore(BackupConfig config) => _config = config;

    /// <summary>The backup file of generation <paramref name="generation"/> (1 = newest) of <paramref name="path"/>.</summary>
    public string PathOf(SyncPath path, int generation) => Path.Combine(_config.Directory, $"{path.Value}.{generation}");

    /// <summary>
    /// Keeps the current content of entry <paramref name="name"/> of the (root-confined) directory <paramref name="dirFd"/>
    /// as generation 1 of <paramref name="path"/>, after rotating the older ones. The entry is reached through the
    /// descriptor, never by a path string, so a symlink swapped into the tree cannot make the backup read outside it.
    /// </summary>
    public void Keep(SyncPath path, int dirFd, byte[] name)
    {
        var newest = PathOf(path, 1);
        Directory.CreateDirectory(Path.GetDirectoryName(newest)!);
        File.Delete(PathOf(path, _config.Generations));
        for (var g = _config.Generations - 1; g >= 1; g--)
        {
            var from = PathOf(path, g);
            if (File.Exists(from))
            {
                File.Move(from, PathOf(path, g + 1));
            }
        }

        // A hard link shares the old content without copying it; the rename that follows replaces only the name
        // in the tree. Another file system (or a link-less one) gets a copy.
        if (FileSystem.NativeFileSystem.TryHardLink(dirFd, name, newest))
        {
            return;
        }

        var rc = FileSystem.NativeFileSystem.TryOpenReadAt(dirFd, name, out var handle);
        using (handle)
        {
            if (rc != 0)
            {
                throw new IOException($"cannot back up {path}: {FileSystem.NativeFileSystem.Describe(rc)}");
            }

            using var source = new FileStream(handle, FileAccess.Read);
            using var target = new FileStream(newest, FileMode.Create, FileAccess.Write);
            source.CopyTo(target);
        }
    }
}
