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

    /// <summary>Copies the current content of <paramref name="fullPath"/> into generation 1 after rotating the older ones.</summary>
    public void Keep(SyncPath path, string fullPath)
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
        if (!FileSystem.NativeFileSystem.TryHardLink(fullPath, newest))
        {
            File.Copy(fullPath, newest, overwrite: true);
        }
    }
}
