using KubeSync.Engine.Applying;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>
/// <c>kubesync compare</c> (csync2 <c>-T</c>): this member's recorded state against a peer's index, path by path, for
/// the paths this member's rules include. A path is the same on both when neither has it (or both deleted it), when
/// both hold the same version, or when both hold the same thing (type, content or link target, and mode) under
/// different versions (the next exchange merges those silently). Otherwise:
/// <list type="bullet">
/// <item><c>L</c>: this member's version includes the peer's (or only this member has the path): the peer gets it;</item>
/// <item><c>R</c>: the peer's version includes this member's (or only the peer has it): this member gets it;</item>
/// <item><c>X</c>: both changed it without seeing the other's change, to different content: a conflict (also every path
/// this member records in conflict with the peer).</item>
/// </list>
/// </summary>
public static class IndexComparison
{
    public static IReadOnlyList<PathDifference> Compare(IEnumerable<FileRecord> local, IEnumerable<WireEntry> remote, SyncRules rules, IReadOnlySet<string> conflicts)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(conflicts);
        var mine = local.Where(r => rules.IsIncluded(r.Path)).ToDictionary(r => r.Path.Value, StringComparer.Ordinal);
        var theirs = new Dictionary<string, WireEntry>(StringComparer.Ordinal);
        foreach (var entry in remote.Where(e => rules.IsIncluded(e.Path)))
        {
            // An index lists each path once; should one repeat, the later (higher seq) row is the current one.
            theirs[entry.Path.Value] = entry;
        }

        var differences = new List<PathDifference>();
        foreach (var path in mine.Keys.Union(theirs.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            mine.TryGetValue(path, out var l);
            theirs.TryGetValue(path, out var r);
            var kind = conflicts.Contains(path) ? DifferenceKind.Conflict : Classify(l, r);
            if (kind is { } k)
            {
                differences.Add(new PathDifference(k, (l?.Path ?? r!.Path)));
            }
        }

        return differences;
    }

    private static DifferenceKind? Classify(FileRecord? local, WireEntry? remote)
    {
        var localLive = local is { Deleted: false };
        var remoteLive = remote is { Deleted: false };
        if (!localLive && !remoteLive)
        {
            return null;
        }

        var localVersion = local?.Version ?? VersionVector.Empty;
        var remoteVersion = remote?.Version ?? VersionVector.Empty;
        var order = localVersion.Compare(remoteVersion);
        if (order == VersionOrder.Equal)
        {
            return null;
        }

        if (local is not null && remote is not null && localLive && remoteLive
            && EntrySide.Local("", local).SameContentAs(EntrySide.Remote("", remote)) && local.Mode == remote.Mode)
        {
            return null;
        }

        return order switch
        {
            VersionOrder.Dominates => DifferenceKind.Local,
            VersionOrder.DominatedBy => DifferenceKind.Remote,
            _ => DifferenceKind.Conflict,
        };
    }
}
