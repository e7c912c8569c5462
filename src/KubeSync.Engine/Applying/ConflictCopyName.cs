using System.Globalization;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// The name keep-both gives the losing copy, as Syncthing does: <c>NAME.sync-conflict-YYYYMMDD-HHMMSS-NODE.EXT</c>
/// beside the original. The extension stays last so the copy still opens with the same program.
/// </summary>
public static class ConflictCopyName
{
    public const string Marker = ".sync-conflict-";

    public static SyncPath For(SyncPath path, DateTimeOffset when, string loserNode)
    {
        var name = path.Name;
        var dot = name.LastIndexOf('.');
        var (stem, extension) = dot > 0 ? (name[..dot], name[dot..]) : (name, "");
        var stamp = when.UtcDateTime.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var copy = $"{stem}{Marker}{stamp}-{loserNode}{extension}";

        // A name at the length limit loses the end of its stem rather than the marker.
        var excess = System.Text.Encoding.UTF8.GetByteCount(copy) - SyncPath.MaxSegmentBytes;
        if (excess > 0)
        {
            stem = stem[..Math.Max(1, stem.Length - excess - 3)];
            copy = $"{stem}{Marker}{stamp}-{loserNode}{extension}";
        }

        return path.Parent is { } parent ? parent.Append(copy) : SyncPath.Parse(copy);
    }
}
