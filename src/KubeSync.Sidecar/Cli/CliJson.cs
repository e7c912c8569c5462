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

/// <summary>Source-generated JSON for the CLI's script output.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<FileRow>))]
[JsonSerializable(typeof(List<DirtyRow>))]
[JsonSerializable(typeof(List<CheckReport>))]
[JsonSerializable(typeof(List<ForceRow>))]
internal sealed partial class CliJson : JsonSerializerContext;
