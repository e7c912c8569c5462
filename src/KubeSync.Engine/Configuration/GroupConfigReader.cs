using System.Text.RegularExpressions;

using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Configuration;

/// <summary>Reads and validates one <c>groups[i]</c> entry.</summary>
internal static partial class GroupConfigReader
{
    private static readonly Dictionary<string, ConflictPolicy> Policies = new(StringComparer.Ordinal)
    {
        ["none"] = ConflictPolicy.None,
        ["first"] = ConflictPolicy.First,
        ["younger"] = ConflictPolicy.Younger,
        ["older"] = ConflictPolicy.Older,
        ["bigger"] = ConflictPolicy.Bigger,
        ["smaller"] = ConflictPolicy.Smaller,
        ["left"] = ConflictPolicy.Left,
        ["right"] = ConflictPolicy.Right,
        ["keep-both"] = ConflictPolicy.KeepBoth,
    };

    private static readonly string[] IgnorableMetadata = ["uid", "gid", "mode"];

    private static readonly string[] Keys = ["name", "root", "stateDir", "include", "exclude", "rules", "auto", "role", "roles", "ignore", "backup", "peers", "actions"];

    /// <param name="labels">This member's pod labels, asked for (with the key that needs them) only when the group has <c>roles</c>.</param>
    public static GroupConfig Read(ConfigReader r, string baseDir, string self, Func<string, IReadOnlyDictionary<string, string>> labels)
    {
        var name = r.RequiredString("name");
        ConfigLoader.CheckName(name, r.Key("name"), GroupNamePattern(), "lowercase letters, digits and '-', at most 63");
        var root = ConfigLoader.Resolve(baseDir, r.RequiredString("root"));
        if (root == "/")
        {
            throw new ConfigException(r.Key("root"), "must not be the file system root");
        }

        var ignore = r.StringList("ignore") ?? [];
        for (var i = 0; i < ignore.Count; i++)
        {
            if (!IgnorableMetadata.Contains(ignore[i]))
            {
                throw new ConfigException($"{r.Key("ignore")}[{i}]", $"must be one of {string.Join(", ", IgnorableMetadata)}; got \"{ignore[i]}\"");
            }
        }

        var (rules, role) = RoleRuleReader.Resolve(r, r.Enum("role", MemberRole.SendReceive, RoleRuleReader.Names), labels);
        var group = new GroupConfig
        {
            Name = name,
            Root = root.TrimEnd('/'),
            StateDir = r.String("stateDir") is { } state ? ConfigLoader.Resolve(baseDir, state).TrimEnd('/') : Path.Combine(root, ".kubesync"),
            Include = r.StringList("include") ?? ["/"],
            Exclude = r.StringList("exclude") ?? [],
            Rules = r.StringList("rules") ?? [],
            Auto = r.Enum("auto", ConflictPolicy.None, Policies),
            Role = role,
            Roles = rules,
            Ignore = ignore,
            Backup = r.Map("backup") is { } b ? ReadBackup(b, baseDir) : null,
            Peers = r.Map("peers") is { } p ? ReadPeers(p, self) : new PeersConfig(),
            Actions = ActionConfigReader.ReadAll(r.MapList("actions"), r.Key("actions"), baseDir),
        };
        r.RejectUnknownKeys(Keys);
        return group;
    }

    [GeneratedRegex("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    private static partial Regex GroupNamePattern();

    private static BackupConfig ReadBackup(ConfigReader r, string baseDir)
    {
        var backup = new BackupConfig(ConfigLoader.Resolve(baseDir, r.RequiredString("directory")), r.Int("generations", 3, 1, 100));
        r.RejectUnknownKeys(["directory", "generations"]);
        return backup;
    }

    private static PeersConfig ReadPeers(ConfigReader r, string self)
    {
        var entries = r.StringList("static") ?? [];
        var peers = new List<StaticPeer>();
        for (var i = 0; i < entries.Count; i++)
        {
            var key = $"{r.Key("static")}[{i}]";
            var eq = entries[i].IndexOf('=');
            if (eq <= 0)
            {
                throw new ConfigException(key, $"expected name=host:port, got \"{entries[i]}\"");
            }

            var node = entries[i][..eq].Trim();
            ConfigLoader.CheckName(node, key, ConfigLoader.NodePattern(), "a member name before '='");
            if (!HostPort.TryParse(entries[i][(eq + 1)..].Trim(), out var host, out var port, out var error, KubeSyncConfig.DefaultPort))
            {
                throw new ConfigException(key, error);
            }

            if (peers.Any(p => p.Node == node))
            {
                throw new ConfigException(key, $"member '{node}' is listed twice");
            }

            peers.Add(new StaticPeer(node, host, port));
        }

        DnsPeers? dns = null;
        if (r.Map("dns") is { } d)
        {
            dns = new DnsPeers(d.RequiredString("name"), d.Int("port", KubeSyncConfig.DefaultPort, 1, 65535));
            d.RejectUnknownKeys(["name", "port"]);
        }

        r.RejectUnknownKeys(["static", "dns"]);

        // csync2 configs list every host, this one included: a member is never its own peer.
        return new PeersConfig { Static = peers.Where(p => p.Node != self).ToList(), Dns = dns };
    }
}
