using KubeSync.Contracts.Configuration;
using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec</c>: which pods are members, which of their directories is kept identical, and what runs when it changes.
/// </summary>
[SchemaRule("has(self.workloadRef) != has(self.selector)", "set exactly one of workloadRef and selector")]
public sealed class SyncGroupSpec
{
    /// <summary>The workload whose pods are the members.</summary>
    public WorkloadReference? WorkloadRef { get; set; }

    /// <summary>Instead of workloadRef: every workload in the namespace with these labels.</summary>
    public WorkloadSelector? Selector { get; set; }

    /// <summary>Name of the volume in the pod template that holds the directory to keep identical.</summary>
    [SchemaPattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    public required string Volume { get; set; }

    /// <summary>Where the sidecar mounts that volume; this directory is kept identical. Not / and not under /etc/kubesync.</summary>
    [SchemaPattern(SchemaPatterns.AbsolutePath)]
    [SchemaLength(2, 4096)]
    [SchemaRule("self != '/' && !self.startsWith('/etc/kubesync')", "mountPath must not be / or under /etc/kubesync (the sidecar's own files)")]
    public required string MountPath { get; set; }

    /// <summary>Patterns of what to sync (docs/rules.md).</summary>
    [SchemaLength(-1, 256)]
    public IReadOnlyList<string> Include { get; set; } = ["/"];

    /// <summary>Patterns of what not to sync, evaluated after the includes.</summary>
    [SchemaLength(-1, 256)]
    public IReadOnlyList<string> Exclude { get; set; } = [];

    /// <summary>Conflict policy: how concurrent changes to one file are resolved (none keeps both and reports).</summary>
    public ConflictPolicy Auto { get; set; } = ConflictPolicy.None;

    /// <summary>Role of the members no rule of roles matches: send-receive, or receive-only (takes changes, never sends its own).</summary>
    public MemberRole Role { get; set; } = MemberRole.SendReceive;

    /// <summary>Per-member roles by pod labels, first match wins (e.g. only the pod web-0 sends: roles for the others receive-only).</summary>
    [SchemaLength(-1, 32)]
    public IReadOnlyList<SyncGroupRoleRule> Roles { get; set; } = [];

    /// <summary>Metadata not synced: any of uid, gid, mode.</summary>
    [SchemaEnum("uid", "gid", "mode")]
    [SchemaLength(-1, 3)]
    public IReadOnlyList<string> Ignore { get; set; } = [];

    /// <summary>Actions run after matching files land.</summary>
    [SchemaListMap("name")]
    [SchemaLength(-1, 16)]
    public IReadOnlyList<SyncGroupAction> Actions { get; set; } = [];

    /// <summary>Keep old versions of replaced files.</summary>
    public SyncGroupBackup? Backup { get; set; }

    /// <summary>The sidecar's timings.</summary>
    public SyncGroupTiming? Timing { get; set; }

    /// <summary>The sidecar container.</summary>
    public SidecarSpec Sidecar { get; set; } = new();

    /// <summary>
    /// Run the sidecar as a native sidecar (an init container with restartPolicy Always, started before the app and
    /// ready only once the directory is complete). Default: true on clusters at 1.29 or later.
    /// </summary>
    public bool? Native { get; set; }
}
