
using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Hosting;

/// <summary>A configured group opened on this member: its root, its rules and its state database.</summary>
public sealed class LocalGroup : IDisposable
{
    /// <summary>File name of the state database inside <c>stateDir</c>.</summary>
    public const string DatabaseFileName = "state.db";

    private LocalGroup(GroupConfig config, string node, SyncRules rules, StateStore store, IgnoredMetadata ignore)
    {
        Config = config;
        Node = node;
        Rules = rules;
        Store = store;
        Ignore = ignore;
    }

    public GroupConfig Config { get; }

    public string Node { get; }

    public string Root => Config.Root;

    public SyncRules Rules { get; }

    public StateStore Store { get; }

    public IgnoredMetadata Ignore { get; }

    /// <summary>Opens the group's state (creating it on first use) and registers its configured peers.</summary>
    /// <exception cref="ConfigException">The root does not exist or a rule is invalid.</exception>
    /// <exception cref="StateStoreException">The state database cannot be used.</exception>
    public static LocalGroup Open(KubeSyncConfig config, GroupConfig group, TimeProvider? time = null)
    {
        var index = IndexOf(config, group);
        if (!Directory.Exists(group.Root))
        {
            throw new ConfigException($"groups[{index}].root", $"directory {group.Root} does not exist");
        }

        SyncPath? stateInRoot = null;
        var relativeState = Path.GetRelativePath(group.Root, group.StateDir);
        if (relativeState != "." && !relativeState.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relativeState))
        {
            stateInRoot = SyncPath.Parse(relativeState);
        }

        SyncRules rules;
        try
        {
            rules = SyncRules.FromConfig(group.Include, group.Exclude, group.Rules, stateInRoot);
        }
        catch (FormatException ex)
        {
            throw new ConfigException($"groups[{index}].{ex.Message}", "");
        }

        var ignore = IgnoredMetadata.None;
        ignore |= group.Ignore.Contains("uid") ? IgnoredMetadata.Uid : 0;
        ignore |= group.Ignore.Contains("gid") ? IgnoredMetadata.Gid : 0;
        ignore |= group.Ignore.Contains("mode") ? IgnoredMetadata.Mode : 0;

        var store = StateStore.Open(Path.Combine(group.StateDir, DatabaseFileName), config.Node, group.Name, time);
        try
        {
            var wanted = group.Peers.Static.Select(p => (p.Node, (string?)$"{p.Host}:{p.Port}")).ToList();
            var known = store.ReadPeers().Select(p => (p.Node, p.Address)).ToHashSet();
            if (!wanted.All(known.Contains))
            {
                using var batch = store.BeginBatch();
                batch.EnsurePeers(wanted);
                batch.Commit();
            }
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return new LocalGroup(group, config.Node, rules, store, ignore);
    }

    /// <summary>The absolute path of <paramref name="path"/> under the root.</summary>
    public string FullPath(SyncPath path) => Path.Combine(Root, path.Value);

    public void Dispose() => Store.Dispose();

    private static int IndexOf(KubeSyncConfig config, GroupConfig group)
    {
        for (var i = 0; i < config.Groups.Count; i++)
        {
            if (ReferenceEquals(config.Groups[i], group))
            {
                return i;
            }
        }

        return 0;
    }
}
