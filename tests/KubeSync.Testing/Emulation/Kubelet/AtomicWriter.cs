using System.Globalization;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// The kubelet's atomic writer for configMap, secret and projected volumes: the files live in a timestamped
/// directory <c>..2026_01_02_03_04_05.123456789</c>; <c>..data</c> is a symlink to it, swapped by renaming a new
/// symlink <c>..data_tmp</c> over it; each visible top-level name is a symlink to <c>..data/NAME</c>. A reader that
/// follows <c>..data</c> (or a file through it) sees the old set or the new one, never a mix, and a watcher sees the
/// same events it would in a cluster (the <c>..data</c> rename, not edits of the files).
/// </summary>
internal static class AtomicWriter
{
    private const string DataLink = "..data";

    /// <summary>Writes <paramref name="payload"/> (relative path → content and mode) if it differs from what is there; true when it did.</summary>
    public static bool Write(string directory, IReadOnlyDictionary<string, (byte[] Data, UnixFileMode Mode)> payload)
    {
        Directory.CreateDirectory(directory);
        var link = Path.Combine(directory, DataLink);
        var old = File.Exists(link) || Directory.Exists(link) ? new FileInfo(link).LinkTarget : null;
        if (old is not null && Same(Path.Combine(directory, old), payload))
        {
            return false;
        }

        var stamp = $"..{DateTime.UtcNow.ToString("yyyy_MM_dd_HH_mm_ss", CultureInfo.InvariantCulture)}.{Random.Shared.NextInt64(1_000_000_000):D9}";
        var target = Path.Combine(directory, stamp);
        Directory.CreateDirectory(target);
        foreach (var (relative, (data, mode)) in payload)
        {
            var file = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            File.WriteAllBytes(file, data);
            File.SetUnixFileMode(file, mode);
        }

        var temporary = Path.Combine(directory, DataLink + "_tmp");
        File.Delete(temporary);
        File.CreateSymbolicLink(temporary, stamp);
        Signals.Rename(temporary, link);

        var visible = payload.Keys.Select(p => p.Split('/')[0]).ToHashSet(StringComparer.Ordinal);
        foreach (var name in visible.Where(n => !Path.Exists(Path.Combine(directory, n)) && new FileInfo(Path.Combine(directory, n)).LinkTarget is null))
        {
            File.CreateSymbolicLink(Path.Combine(directory, name), $"{DataLink}/{name}");
        }

        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos().Where(e => !e.Name.StartsWith("..", StringComparison.Ordinal) && !visible.Contains(e.Name) && e.LinkTarget is not null))
        {
            entry.Delete();
        }

        if (old is not null && old != stamp)
        {
            Directory.Delete(Path.Combine(directory, old), recursive: true);
        }

        return true;
    }

    private static bool Same(string current, IReadOnlyDictionary<string, (byte[] Data, UnixFileMode Mode)> payload)
    {
        if (!Directory.Exists(current))
        {
            return false;
        }

        var files = Directory.EnumerateFiles(current, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(current, f)).ToHashSet(StringComparer.Ordinal);
        return files.SetEquals(payload.Keys) && payload.All(kv =>
            File.ReadAllBytes(Path.Combine(current, kv.Key)).AsSpan().SequenceEqual(kv.Value.Data) && File.GetUnixFileMode(Path.Combine(current, kv.Key)) == kv.Value.Mode);
    }
}
