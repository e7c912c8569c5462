namespace KubeSync.Contracts.Configuration;

/// <summary>The sidecar's configuration: one YAML file (docs/configuration.md lists every key).</summary>
public sealed class KubeSyncConfig
{
    /// <summary>Default peer protocol port (csync2's).</summary>
    public const int DefaultPort = 30865;

    /// <summary><c>node</c>: this member's id. Default <c>$POD_NAME</c>, else the host name.</summary>
    public required string Node { get; init; }

    /// <summary><c>listen</c>: address of the peer protocol, <c>host:port</c>.</summary>
    public string Listen { get; init; } = "0.0.0.0:30865";

    /// <summary>Default admin endpoint address.</summary>
    public const string DefaultAdmin = "127.0.0.1:9465";

    /// <summary>
    /// <c>admin</c>: address of /metrics, /healthz, /readyz, /status, <c>host:port</c>; empty when the config says
    /// <c>""</c> or <c>off</c> (no admin endpoint).
    /// </summary>
    public string Admin { get; init; } = DefaultAdmin;

    /// <summary><c>tls</c>: the member certificate, its key and the group CA (paths relative to the config file).</summary>
    public TlsConfig? Tls { get; init; }

    /// <summary><c>insecure</c>: plaintext peers, for local demos and tests only.</summary>
    public bool Insecure { get; init; }

    /// <summary><c>keyFile</c>: the group key written by <c>kubesync keygen</c>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>
    /// <c>watchConfig</c>: re-read this file when it changes (inotify on its directory, ConfigMap updates included), as
    /// on SIGHUP; false: only SIGHUP reloads.
    /// </summary>
    public bool WatchConfig { get; init; } = true;

    /// <summary>
    /// <c>labelsFile</c>: this member's labels, one <c>key="value"</c> per line (a downward API volume of
    /// <c>metadata.labels</c>); read at start and on reload when a group has <c>roles</c>.
    /// </summary>
    public string? LabelsFile { get; init; }

    /// <summary><c>timing</c>.</summary>
    public TimingConfig Timing { get; init; } = new();

    /// <summary><c>groups</c>: at least one.</summary>
    public required IReadOnlyList<GroupConfig> Groups { get; init; }

    /// <summary>The file this configuration came from, if any (relative paths in it are resolved against its directory).</summary>
    public string? SourceFile { get; init; }
}
