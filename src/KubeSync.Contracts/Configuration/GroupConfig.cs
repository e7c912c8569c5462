namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[]</c>: one directory kept identical across the members.</summary>
public sealed class GroupConfig
{
    /// <summary><c>name</c>: unique, lowercase letters, digits and '-'.</summary>
    public required string Name { get; init; }

    /// <summary><c>root</c>: absolute path of the directory kept identical.</summary>
    public required string Root { get; init; }

    /// <summary><c>stateDir</c>: where the state database lives; default <c>ROOT/.kubesync</c>; always excluded from sync.</summary>
    public required string StateDir { get; init; }

    /// <summary><c>include</c>: csync2-style patterns (docs/rules.md). Default <c>["/"]</c>.</summary>
    public IReadOnlyList<string> Include { get; init; } = ["/"];

    /// <summary><c>exclude</c>: patterns evaluated after the includes.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary><c>rules</c>: optional ordered <c>"+ pattern"</c> / <c>"- pattern"</c> entries evaluated last.</summary>
    public IReadOnlyList<string> Rules { get; init; } = [];

    /// <summary><c>auto</c>.</summary>
    public ConflictPolicy Auto { get; init; } = ConflictPolicy.None;

    /// <summary>
    /// This member's role: the role of the first of <see cref="Roles"/> whose selector matches this member's labels
    /// (<c>labelsFile</c>), else <c>role</c>.
    /// </summary>
    public MemberRole Role { get; init; } = MemberRole.SendReceive;

    /// <summary><c>roles</c>: per-member roles by pod labels, as written (already resolved into <see cref="Role"/>).</summary>
    public IReadOnlyList<RoleRule> Roles { get; init; } = [];

    /// <summary><c>ignore</c>: metadata not synced: any of <c>uid</c>, <c>gid</c>, <c>mode</c>.</summary>
    public IReadOnlyList<string> Ignore { get; init; } = [];

    /// <summary><c>backup</c>: keep old versions of replaced files, or null.</summary>
    public BackupConfig? Backup { get; init; }

    /// <summary><c>peers</c>.</summary>
    public PeersConfig Peers { get; init; } = new();

    /// <summary><c>actions</c>: commands run after changes land (the daemon runs them).</summary>
    public IReadOnlyList<ActionConfig> Actions { get; init; } = [];
}
