using System.Text;

using KubeSync.Engine.Diffing;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Peers;

namespace KubeSync.Sidecar.Cli;

/// <summary>What one member has at a path, as <c>kubesync diff</c> shows it.</summary>
internal sealed record DiffSide(string Label, EntryType? Type, byte[]? Content, string? LinkTarget)
{
    public bool IsFile => Type == EntryType.File;

    /// <summary>The local copy, read from the root without following a symlink at the path; null content when larger than <paramref name="maxSize"/>.</summary>
    public static DiffSide Local(string label, string fullPath, long maxSize)
    {
        var info = new FileInfo(fullPath);
        if (info.LinkTarget is { } target)
        {
            return new DiffSide(label, EntryType.Symlink, null, target);
        }

        if (Directory.Exists(fullPath))
        {
            return new DiffSide(label, EntryType.Directory, null, null);
        }

        if (!info.Exists)
        {
            return new DiffSide(label, null, null, null);
        }

        return info.Length > maxSize
            ? throw new CliUsageException($"{fullPath}: {info.Length} bytes, more than --max-size {maxSize}")
            : new DiffSide(label, EntryType.File, File.ReadAllBytes(fullPath), null);
    }

    /// <summary>The peer's copy; a tombstone or a path the peer does not know is absent.</summary>
    public static DiffSide Remote(string label, PeerCopy copy) => copy.Entry switch
    {
        null or { Deleted: true } => new DiffSide(label, null, null, null),
        { Type: EntryType.File } => new DiffSide(label, EntryType.File, copy.Content, null),
        var entry => new DiffSide(label, entry.Type, null, entry.LinkTarget),
    };

    /// <summary>
    /// The unified diff that turns <paramref name="peer"/> into <paramref name="local"/> (an absent side counts as an empty
    /// file, as <c>diff -N</c>), a "Binary files … differ" line, or a line saying what each side is; empty when they are
    /// the same.
    /// </summary>
    public static string Render(DiffSide peer, DiffSide local)
    {
        if (peer.Type is null && local.Type is null)
        {
            return "";
        }

        if ((peer.IsFile || peer.Type is null) && (local.IsFile || local.Type is null))
        {
            var before = peer.Content ?? [];
            var after = local.Content ?? [];
            if (peer.Type == local.Type && before.AsSpan().SequenceEqual(after))
            {
                return "";
            }

            var (oldLabel, newLabel) = (peer.Type is null ? "/dev/null" : peer.Label, local.Type is null ? "/dev/null" : local.Label);
            return UnifiedDiff.LooksBinary(before) || UnifiedDiff.LooksBinary(after)
                ? $"Binary files {oldLabel} and {newLabel} differ\n"
                : UnifiedDiff.Create(Encoding.UTF8.GetString(before), Encoding.UTF8.GetString(after), oldLabel, newLabel);
        }

        if (peer.Type == local.Type && peer.LinkTarget == local.LinkTarget)
        {
            return "";
        }

        return $"{peer.Label} is {peer.Describe()}, {local.Label} is {local.Describe()}\n";
    }

    private string Describe() => Type switch
    {
        null => "absent",
        EntryType.File => "a file",
        EntryType.Directory => "a directory",
        EntryType.Symlink => $"a symlink to {LinkTarget}",
        _ => "something else",
    };
}
