using System.Text.Json;
using System.Text.Json.Serialization;

namespace KubeSync.Sidecar.Cli;

/// <summary>One row of <c>kubesync files --json</c>.</summary>
internal sealed record FileRow(string Group, string Path, string Type, long Size, long MtimeNs, string Mode, int Uid, int Gid, string? LinkTarget, string? Sha256, string Version, long Seq, bool Deleted);

/// <summary>One row of <c>kubesync dirty --json</c>.</summary>
internal sealed record DirtyRow(string Group, string Path, string Peer, DateTimeOffset Since);

/// <summary>One group's result in <c>kubesync check --json</c>.</summary>
internal sealed record CheckReport(
    string Group, long Entries, long Hashed, long BytesHashed, long Created, long Modified, long Deleted, long Refreshed, long Forgotten,
    long Problems, IReadOnlyList<string> ProblemLines, double Seconds);

/// <summary>One forced path in <c>kubesync force --json</c>.</summary>
internal sealed record ForceRow(string Group, string Path, string Version, IReadOnlyList<string> OwedTo);

/// <summary>One row of <c>kubesync conflicts --json</c>: the peer's concurrent version of the path, and when it was detected.</summary>
internal sealed record ConflictRow(string Group, string Path, string Peer, string TheirVersion, string? TheirSha256, DateTimeOffset Detected);

/// <summary>
/// <c>kubesync status --json</c> and the daemon's <c>/status</c>: this member and each selected group. <see cref="Source"/>
/// is <c>daemon</c> when the running daemon answered, else null (read from the state database); <see cref="Actions"/>
/// and <see cref="LastReload"/> are set by the daemon only.
/// </summary>
internal sealed record StatusReport(string Node, IReadOnlyList<GroupStatus> Groups, string? Source = null, IReadOnlyList<ActionStatus>? Actions = null, ReloadStatus? LastReload = null);

/// <summary>
/// The daemon's last config reload in <c>/status</c>: when, why (<c>SIGHUP</c>, <c>file change</c>), its outcome
/// (<c>applied</c>, <c>unchanged</c>, <c>rejected</c> with <see cref="Error"/>), the keys applied and those waiting for a restart.
/// </summary>
internal sealed record ReloadStatus(DateTimeOffset At, string Trigger, string Outcome, string? Error, IReadOnlyList<string> Changed, IReadOnlyList<string> NeedsRestart);

/// <summary>
/// One group in <c>kubesync status</c>; <see cref="OldestDirtySince"/> is null when no peer is owed anything. The daemon
/// adds whether the group is <see cref="Ready"/>, its last full scan, and when it read the state (<see cref="StateReadAt"/>).
/// </summary>
internal sealed record GroupStatus(
    string Group, string Root, long Files, long Tombstones, long LastSeq, int Conflicts, int Dirty, DateTimeOffset? OldestDirtySince, IReadOnlyList<PeerStatus> Peers,
    string? Node = null, bool? Ready = null, ScanSummary? LastScan = null, DateTimeOffset? StateReadAt = null);

/// <summary>
/// One peer of a group in <c>kubesync status</c>; <see cref="LastSeen"/> is null when it was never reached. The daemon adds
/// whether a session is open (<see cref="Connected"/>) and its state (<see cref="Session"/>: <c>settled</c> or <c>syncing</c>).
/// </summary>
internal sealed record PeerStatus(string Node, string? Address, string State, DateTimeOffset? LastSeen, long TheirSeqSeen, long Dirty, bool? Connected = null, string? Session = null);

/// <summary>A group's last full scan in <c>/status</c>.</summary>
internal sealed record ScanSummary(DateTimeOffset FinishedAt, long Entries, long Changed, long Problems, double Seconds);

/// <summary>
/// An action's state in <c>/status</c>: its last run (when it started, outcome, duration in <see cref="Seconds"/>, message)
/// and the paths waiting for the next run; <see cref="Attempts"/> counts the failed attempts of a batch waiting to be retried.
/// </summary>
internal sealed record ActionStatus(
    string Group, string Action, string? LastOutcome, DateTimeOffset? LastRun, double? Seconds = null, string? Message = null,
    int PendingPaths = 0, bool Running = false, int Attempts = 0, long GaveUp = 0);

/// <summary>One differing path in <c>kubesync compare --json</c>: <see cref="Mark"/> is L, R or X.</summary>
internal sealed record CompareRow(string Group, string Peer, string Mark, string Path);

/// <summary>Source-generated JSON for the CLI's script output.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<FileRow>))]
[JsonSerializable(typeof(List<DirtyRow>))]
[JsonSerializable(typeof(List<CheckReport>))]
[JsonSerializable(typeof(List<ForceRow>))]
[JsonSerializable(typeof(List<ConflictRow>))]
[JsonSerializable(typeof(List<CompareRow>))]
[JsonSerializable(typeof(StatusReport))]
internal sealed partial class CliJson : JsonSerializerContext;
