namespace KubeSync.Engine.Security;

/// <summary>Writes a whole file atomically: a temp file in the same directory, flushed to disk, renamed over the target.</summary>
internal static class AtomicFile
{
    /// <summary>
    /// Writes <paramref name="content"/> to <paramref name="path"/> with permissions <paramref name="mode"/>. A
    /// reader sees the old file or the new one, never a part; the temp file is created with the final mode,
    /// so a private key is never readable by others, not even briefly.
    /// </summary>
    public static async Task WriteAsync(string path, ReadOnlyMemory<byte> content, UnixFileMode mode, CancellationToken cancellationToken)
    {
        var fullPath = Path.GetFullPath(path);
        var directory = Path.GetDirectoryName(fullPath) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        var temp = Path.Combine(directory, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            var options = new FileStreamOptions
            {
                Mode = FileMode.CreateNew,
                Access = FileAccess.Write,
                UnixCreateMode = mode,
            };
            await using (var stream = new FileStream(temp, options))
            {
                await stream.WriteAsync(content, cancellationToken);
                stream.Flush(flushToDisk: true);
            }

            // The umask may have removed bits from the create mode; set exactly what was asked.
            File.SetUnixFileMode(temp, mode);
            File.Move(temp, fullPath, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }
}
