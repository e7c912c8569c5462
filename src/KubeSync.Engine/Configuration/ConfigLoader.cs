using System.Collections;
using System.Text.RegularExpressions;

using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Configuration;

/// <summary>
/// Finds, reads and validates the configuration: <c>--config FILE</c>, else <c>$KUBESYNC_CONFIG</c>, else
/// <c>/etc/kubesync/kubesync.yaml</c>; then <c>KUBESYNC_*</c> environment overrides. Every problem is a
/// <see cref="ConfigException"/> naming the key.
/// </summary>
public static partial class ConfigLoader
{
    /// <summary>Where the config is looked for when neither <c>--config</c> nor <c>KUBESYNC_CONFIG</c> says.</summary>
    public const string DefaultPath = "/etc/kubesync/kubesync.yaml";

    private static readonly string[] TopLevelKeys = ["node", "listen", "admin", "tls", "insecure", "keyFile", "watchConfig", "labelsFile", "timing", "groups"];

    /// <summary>Which file to read: the explicit path, else <c>KUBESYNC_CONFIG</c>, else <see cref="DefaultPath"/>.</summary>
    public static string ResolvePath(string? explicitPath, IDictionary environment) =>
        !string.IsNullOrEmpty(explicitPath) ? explicitPath
        : environment["KUBESYNC_CONFIG"] is string { Length: > 0 } fromEnv ? fromEnv
        : DefaultPath;

    /// <summary>Loads and validates the file at <paramref name="path"/> with overrides from <paramref name="environment"/>.</summary>
    public static KubeSyncConfig LoadFile(string path, IDictionary environment)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException("", $"cannot read config file {path}: {ex.Message}");
        }

        return Load(text, Path.GetFullPath(path), environment);
    }

    /// <summary>Loads from YAML text; relative paths in it resolve against <paramref name="sourceFile"/>'s directory (or the working directory).</summary>
    public static KubeSyncConfig Load(string yaml, string? sourceFile, IDictionary environment)
    {
        var tree = ConfigTreeBuilder.FromYaml(yaml, sourceFile ?? "config");
        ConfigTreeBuilder.ApplyEnvironment(tree, environment);
        var baseDir = sourceFile is null ? Directory.GetCurrentDirectory() : Path.GetDirectoryName(sourceFile)!;
        var r = new ConfigReader(tree, "");

        var node = r.String("node") ?? DefaultNode(environment);
        CheckName(node, "node", NodePattern(), "letters, digits, '.', '_' and '-', starting and ending with a letter or digit");
        var tls = r.Map("tls") is { } t ? ReadTls(t, baseDir) : null;
        var timing = r.Map("timing") is { } tm ? ReadTiming(tm) : new TimingConfig();
        var groupReaders = r.MapList("groups");
        if (groupReaders.Count == 0)
        {
            throw new ConfigException("groups", "at least one group is required");
        }

        var labelsFile = r.String(LabelsFile.Key) is { } lf ? Resolve(baseDir, lf) : null;
        IReadOnlyDictionary<string, string>? labels = null;
        var groups = groupReaders.Select(g => GroupConfigReader.Read(g, baseDir, node, Labels)).ToList();
        foreach (var dup in groups.GroupBy(g => g.Name).Where(g => g.Count() > 1))
        {
            throw new ConfigException($"groups[{groups.FindLastIndex(g => g.Name == dup.Key)}].name", $"group '{dup.Key}' is defined twice");
        }

        var config = new KubeSyncConfig
        {
            Node = node,
            Listen = Address(r, "listen", "0.0.0.0:30865"),
            Admin = AdminAddress(r),
            Tls = tls,
            Insecure = r.Bool("insecure", false),
            KeyFile = r.String("keyFile") is { } key ? Resolve(baseDir, key) : null,
            WatchConfig = r.Bool("watchConfig", true),
            LabelsFile = labelsFile,
            Timing = timing,
            Groups = groups,
            SourceFile = sourceFile,
        };
        r.RejectUnknownKeys(TopLevelKeys);
        return config;

        IReadOnlyDictionary<string, string> Labels(string key) => labels ??= labelsFile is not null ? LabelsFile.Read(labelsFile)
            : throw new ConfigException(key, "needs labelsFile: the file holding this member's pod labels (a downward API volume of metadata.labels)");
    }

    internal static string Resolve(string baseDir, string path) => Path.GetFullPath(Path.Combine(baseDir, path));

    internal static void CheckName(string value, string key, Regex pattern, string rule)
    {
        if (!pattern.IsMatch(value))
        {
            throw new ConfigException(key, $"\"{value}\" is not a valid name ({rule})");
        }
    }

    [GeneratedRegex("^[A-Za-z0-9]([A-Za-z0-9._-]{0,251}[A-Za-z0-9])?$")]
    internal static partial Regex NodePattern();

    private static string DefaultNode(IDictionary environment) =>
        environment["POD_NAME"] is string { Length: > 0 } pod ? pod : Environment.MachineName.ToLowerInvariant();

    private static TlsConfig ReadTls(ConfigReader r, string baseDir)
    {
        var tls = new TlsConfig(
            Resolve(baseDir, r.RequiredString("cert")),
            Resolve(baseDir, r.RequiredString("key")),
            Resolve(baseDir, r.RequiredString("ca")));
        r.RejectUnknownKeys(["cert", "key", "ca"]);
        return tls;
    }

    private static TimingConfig ReadTiming(ConfigReader r)
    {
        var timing = new TimingConfig
        {
            Debounce = r.Duration("debounce", TimeSpan.FromMilliseconds(20), TimeSpan.Zero, TimeSpan.FromSeconds(10)),
            Rescan = r.Duration("rescan", TimeSpan.FromMinutes(10), TimeSpan.FromSeconds(1), TimeSpan.FromDays(7)),
            PeerExpiry = r.Duration("peerExpiry", TimeSpan.FromHours(1), TimeSpan.FromSeconds(1), TimeSpan.FromDays(30)),
            Drain = r.Duration("drain", TimeSpan.FromSeconds(20), TimeSpan.Zero, TimeSpan.FromMinutes(10)),
            Pull = r.Duration("pull", TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(100), TimeSpan.FromHours(24)),
            Handshake = r.Duration("handshake", TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)),
            Idle = r.Duration("idle", TimeSpan.FromSeconds(45), TimeSpan.FromSeconds(3), TimeSpan.FromHours(1)),
        };
        r.RejectUnknownKeys(["debounce", "rescan", "peerExpiry", "drain", "pull", "handshake", "idle"]);
        return timing;
    }

    /// <summary><c>admin</c>: <c>host:port</c>, or <c>""</c> / <c>off</c> to serve no admin endpoint (kept as <c>""</c>).</summary>
    private static string AdminAddress(ConfigReader r)
    {
        var value = r.String("admin");
        if (value is not null && (value.Trim().Length == 0 || value.Trim().Equals("off", StringComparison.OrdinalIgnoreCase)))
        {
            return "";
        }

        return Address(r, "admin", KubeSyncConfig.DefaultAdmin);
    }

    private static string Address(ConfigReader r, string name, string fallback)
    {
        var value = r.String(name) ?? fallback;
        if (!HostPort.TryParse(value, out _, out _, out var error))
        {
            throw new ConfigException(r.Key(name), error);
        }

        return value;
    }
}
