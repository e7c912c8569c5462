using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// The difference between the running configuration and a newly loaded one (a config reload): which keys a running
/// member can take at once (<see cref="Applied"/>), which only take effect after a restart (<see cref="NeedsRestart"/>:
/// node, listen, admin, tls, insecure, keyFile, a group's root, stateDir, role or ignore, groups added or removed), and
/// the configuration to run with from now on (<see cref="Effective"/>: the new one with the restart keys kept).
/// </summary>
public sealed class ConfigChanges
{
    private ConfigChanges(KubeSyncConfig effective, IReadOnlyList<string> applied, IReadOnlyList<string> needsRestart, IReadOnlyList<GroupChange> groups)
    {
        Effective = effective;
        Applied = applied;
        NeedsRestart = needsRestart;
        Groups = groups;
    }

    public KubeSyncConfig Effective { get; }

    /// <summary>Keys changed that take effect now, written as in the file (<c>timing.debounce</c>, <c>groups[0].exclude</c>).</summary>
    public IReadOnlyList<string> Applied { get; }

    /// <summary>Keys changed that keep their running value until a restart.</summary>
    public IReadOnlyList<string> NeedsRestart { get; }

    /// <summary>The running groups whose configuration changed in a way that takes effect now.</summary>
    public IReadOnlyList<GroupChange> Groups { get; }

    public static ConfigChanges Between(KubeSyncConfig running, KubeSyncConfig next)
    {
        var applied = new List<string>();
        var restart = new List<string>();
        Check(restart, "node", running.Node == next.Node);
        Check(restart, "listen", running.Listen == next.Listen);
        Check(restart, "admin", running.Admin == next.Admin);
        Check(restart, "tls", running.Tls == next.Tls);
        Check(restart, "insecure", running.Insecure == next.Insecure);
        Check(restart, "keyFile", running.KeyFile == next.KeyFile);
        Check(applied, "watchConfig", running.WatchConfig == next.WatchConfig);
        Check(applied, "timing.debounce", running.Timing.Debounce == next.Timing.Debounce);
        Check(applied, "timing.rescan", running.Timing.Rescan == next.Timing.Rescan);
        Check(applied, "timing.peerExpiry", running.Timing.PeerExpiry == next.Timing.PeerExpiry);
        Check(applied, "timing.pull", running.Timing.Pull == next.Timing.Pull);
        Check(applied, "timing.drain", running.Timing.Drain == next.Timing.Drain);

        var groups = new List<GroupChange>();
        var effectiveGroups = new List<GroupConfig>();
        foreach (var old in running.Groups)
        {
            var index = IndexOf(next.Groups, old.Name);
            if (index < 0)
            {
                restart.Add($"groups (group {old.Name} removed)");
                effectiveGroups.Add(old);
                continue;
            }

            var change = Compare(old, next.Groups[index], index, applied, restart);
            effectiveGroups.Add(change.Config);
            if (change.Any)
            {
                groups.Add(change);
            }
        }

        for (var i = 0; i < next.Groups.Count; i++)
        {
            if (IndexOf(running.Groups, next.Groups[i].Name) < 0)
            {
                restart.Add($"groups[{i}] (group {next.Groups[i].Name} added)");
            }
        }

        var effective = new KubeSyncConfig
        {
            Node = running.Node,
            Listen = running.Listen,
            Admin = running.Admin,
            Tls = running.Tls,
            Insecure = running.Insecure,
            KeyFile = running.KeyFile,
            WatchConfig = next.WatchConfig,
            LabelsFile = next.LabelsFile,
            Timing = next.Timing,
            Groups = effectiveGroups,
            SourceFile = running.SourceFile,
        };
        return new ConfigChanges(effective, applied, restart, groups);
    }

    private static GroupChange Compare(GroupConfig old, GroupConfig next, int index, List<string> applied, List<string> restart)
    {
        var key = $"groups[{index}]";
        Check(restart, key + ".root", old.Root == next.Root);
        Check(restart, key + ".stateDir", old.StateDir == next.StateDir);
        Check(restart, key + ".role", old.Role == next.Role);
        Check(restart, key + ".ignore", old.Ignore.SequenceEqual(next.Ignore));

        var include = Check(applied, key + ".include", old.Include.SequenceEqual(next.Include));
        var exclude = Check(applied, key + ".exclude", old.Exclude.SequenceEqual(next.Exclude));
        var rules = Check(applied, key + ".rules", old.Rules.SequenceEqual(next.Rules));
        var auto = Check(applied, key + ".auto", old.Auto == next.Auto);
        var backup = Check(applied, key + ".backup", old.Backup == next.Backup);
        var peers = Check(applied, key + ".peers", old.Peers.Static.SequenceEqual(next.Peers.Static) && old.Peers.Dns == next.Peers.Dns);
        var actions = Check(applied, key + ".actions", old.Actions.Count == next.Actions.Count && old.Actions.Zip(next.Actions).All(p => SameAction(p.First, p.Second)));

        var config = new GroupConfig
        {
            Name = old.Name,
            Root = old.Root,
            StateDir = old.StateDir,
            Role = old.Role,
            Roles = next.Roles,
            Ignore = old.Ignore,
            Include = next.Include,
            Exclude = next.Exclude,
            Rules = next.Rules,
            Auto = next.Auto,
            Backup = next.Backup,
            Peers = next.Peers,
            Actions = next.Actions,
        };
        return new GroupChange(old.Name, index, config, include || exclude || rules, actions, peers, auto, backup);
    }

    /// <summary>Adds <paramref name="key"/> when the values differ; returns whether they did.</summary>
    private static bool Check(List<string> keys, string key, bool same)
    {
        if (!same)
        {
            keys.Add(key);
        }

        return !same;
    }

    private static bool SameAction(ActionConfig a, ActionConfig b) =>
        a.Name == b.Name && a.Patterns.SequenceEqual(b.Patterns)
        && (a.Exec ?? []).SequenceEqual(b.Exec ?? []) && (a.Exec is null) == (b.Exec is null)
        && a.Signal == b.Signal && a.Http == b.Http
        && (a.PodExec is null ? b.PodExec is null : b.PodExec is not null && a.PodExec.Container == b.PodExec.Container && a.PodExec.Command.SequenceEqual(b.PodExec.Command))
        && a.Timeout == b.Timeout && a.Delay == b.Delay && a.DoLocal == b.DoLocal && a.DoLocalOnly == b.DoLocalOnly && a.LogFile == b.LogFile;

    private static int IndexOf(IReadOnlyList<GroupConfig> groups, string name)
    {
        for (var i = 0; i < groups.Count; i++)
        {
            if (groups[i].Name == name)
            {
                return i;
            }
        }

        return -1;
    }
}
