
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

    private volatile GroupConfig _config;
    private volatile SyncRules _rules;

    private LocalGroup(GroupConfig config, string node, SyncRules rules, StateStore store, IgnoredMetadata ignore)
    {
        _config = config;
        Node = node;
        _rules = rules;
        Store = store;
        Ignore = ignore;
    }

    /// <summary>The group's configuration; a config reload replaces it (never its name, root, stateDir, role or ignore).</summary>
    public GroupConfig Config => _config;

    public string Node { get; }

    public string Root => Config.Root;

    /// <summary>The compiled include/exclude/rules; a config reload replaces them.</summary>
    public SyncRules Rules => _rules;

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

        var rules = CompileRules(group, index);
        var ignore = IgnoredMetadata.None;
        ignore |= group.Ignore.Contains("uid") ? IgnoredMetadata.Uid : 0;
        ignore |= group.Ignore.Contains("gid") ? IgnoredMetadata.Gid : 0;
        ignore |= group.Ignore.Contains("mode") ? IgnoredMetadata.Mode : 0;

        var store = StateStore.Open(Path.Combine(group.StateDir, DatabaseFileName), config.Node, group.Name, time);
        try
        {
            EnsureStaticPeers(store, group);
        }
        catch
        {
            store.Dispose();
            throw;
        }

        return new LocalGroup(group, config.Node, rules, store, ignore);
    }

    /// <summary>Compiles the group's include, exclude and rules (the state directory always excluded).</summary>
    /// <param name="index">The group's index in the file, for the key in a <see cref="ConfigException"/>.</param>
    public static SyncRules CompileRules(GroupConfig group, int index)
    {
        SyncPath? stateInRoot = null;
        var relativeState = Path.GetRelativePath(group.Root, group.StateDir);
        if (relativeState != "." && !relativeState.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relativeState))
        {
            stateInRoot = SyncPath.Parse(relativeState);
        }

        try
        {
            return SyncRules.FromConfig(group.Include, group.Exclude, group.Rules, stateInRoot);
        }
        catch (FormatException ex)
        {
            throw new ConfigException($"groups[{index}].{ex.Message}", "");
        }
    }

    /// <summary>
    /// Replaces the configuration and rules (a config reload; the caller holds the group's gate, so no scan sees half of
    /// it) and gives every new static peer its row, so that it is owed what changes from now on before it connects.
    /// </summary>
    public void Update(GroupConfig config, SyncRules rules)
    {
        _config = config;
        _rules = rules;
        EnsureStaticPeers(Store, config);
    }

    private static void EnsureStaticPeers(StateStore store, GroupConfig group)
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
