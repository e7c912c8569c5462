using System.Security.Cryptography;

using Xunit;

namespace KubeSync.Testing;

/// <summary>Comparing the members' trees.</summary>
public sealed partial class MemberGroup
{
    private const long CachedHashMinLength = 1 << 20;

    private readonly Dictionary<(string Path, long Length, DateTime Modified), string> _hashes = [];

    /// <summary>
    /// Waits until every running member that is not an outsider has the same tree (directories and file contents, without
    /// <c>.kubesync/</c> and the applier's <c>.kubesync-*.tmp</c> temp files) and that tree holds every path in
    /// <paramref name="paths"/>. The failure message shows each member's tree and log.
    /// </summary>
    public Task WaitConvergedAsync(params string[] paths) => WaitConvergedAsync(null, paths);

    /// <inheritdoc cref="WaitConvergedAsync(string[])"/>
    public async Task WaitConvergedAsync(TimeSpan? timeout, params string[] paths)
    {
        // A member killed on purpose (KillAsync) has no process and sits out until it is restarted.
        var members = _members.Values.Where(m => !m.Options.Outsider && m.Process is not null).ToList();
        try
        {
            await Eventually.TrueAsync(() => Converged(members, paths), $"{string.Join(", ", members.Select(m => m.Name))} to converge", timeout ?? _options.ConvergeTimeout);
        }
        catch (Xunit.Sdk.XunitException e)
        {
            var trees = string.Join("\n", members.Select(m => $"--- {m.Name}\n{Describe(Snapshot(m.Root))}"));
            Assert.Fail($"{e.Message} (with {string.Join(", ", paths)})\n{trees}\n{DescribeLogs()}");
        }
    }

    /// <summary>The member's tree: relative path to "dir" or the SHA-256 of the file; null while it changes under the walk.</summary>
    public IReadOnlyDictionary<string, string>? Tree(string member) => Snapshot(Get(member).Root);

    /// <summary>The applier's temp files (<c>.kubesync-*.tmp</c>) anywhere in the member's root.</summary>
    public IReadOnlyList<string> TempFiles(string member)
    {
        try
        {
            return [.. Directory.EnumerateFiles(Get(member).Root, ".kubesync-*.tmp", SearchOption.AllDirectories)
                .Where(p => !p.Contains("/.kubesync/", StringComparison.Ordinal))];
        }
        catch (IOException)
        {
            return [];
        }
    }

    private bool Converged(List<GroupMember> members, string[] paths)
    {
        if (members.FirstOrDefault(m => !m.IsRunning) is { } crashed)
        {
            Assert.Fail($"{crashed.Name} exited on its own\n{crashed.Log}");
        }

        var first = Snapshot(members[0].Root);
        if (first is null || paths.Any(p => !first.ContainsKey(p)))
        {
            return false;
        }

        foreach (var member in members.Skip(1))
        {
            var other = Snapshot(member.Root);
            if (other is null || other.Count != first.Count || other.Any(kv => !first.TryGetValue(kv.Key, out var v) || v != kv.Value))
            {
                return false;
            }
        }

        return true;
    }

    private Dictionary<string, string>? Snapshot(string root)
    {
        var tree = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            Walk(root, root, tree);
            return tree;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null; // a file moved or vanished under the walk: look again later
        }
    }

    private void Walk(string root, string directory, Dictionary<string, string> tree)
    {
        foreach (var entry in new DirectoryInfo(directory).EnumerateFileSystemInfos())
        {
            var relative = Path.GetRelativePath(root, entry.FullName);
            if (relative == ".kubesync" || (entry.Name.StartsWith(".kubesync-", StringComparison.Ordinal) && entry.Name.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                continue;
            }

            if (entry is DirectoryInfo && entry.LinkTarget is null)
            {
                tree[relative] = "dir";
                Walk(root, entry.FullName, tree);
            }
            else if (entry is FileInfo file)
            {
                tree[relative] = Hash(file);
            }
        }
    }

    private string Hash(FileInfo file)
    {
        // Only large files are cached (polling rehashes every tree several times a second). Small ones are not: two
        // writes within one tick of the kernel's coarse file clock get the same mtime, and a replaced file of the
        // same length would look unchanged.
        var key = (file.FullName, file.Length, file.LastWriteTimeUtc);
        lock (_hashes)
        {
            if (file.Length >= CachedHashMinLength && _hashes.TryGetValue(key, out var known))
            {
                return known;
            }
        }

        using var stream = file.OpenRead();
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        if (file.Length >= CachedHashMinLength)
        {
            lock (_hashes)
            {
                _hashes[key] = hash;
            }
        }

        return hash;
    }

    private static string Describe(Dictionary<string, string>? tree) =>
        tree is null ? "(changing)" : string.Join("\n", tree.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}  {kv.Value[..Math.Min(12, kv.Value.Length)]}"));
}
