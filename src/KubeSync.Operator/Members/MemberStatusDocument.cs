using System.Text.Json.Serialization;

namespace KubeSync.Operator.Members;

/// <summary>
/// The parts of the sidecar's <c>/status</c> JSON the operator reads (the sidecar's <c>StatusReport</c>, written with
/// web defaults: camelCase); other fields are ignored.
/// </summary>
public sealed record MemberStatusDocument(string? Node, IReadOnlyList<MemberGroupStatus>? Groups);

/// <summary>One group in <see cref="MemberStatusDocument"/>.</summary>
public sealed record MemberGroupStatus(string Group, int Conflicts, int Dirty, bool? Ready, IReadOnlyList<MemberPeerStatus>? Peers);

/// <summary>One peer of a group in <see cref="MemberGroupStatus"/>.</summary>
public sealed record MemberPeerStatus(string Node, DateTimeOffset? LastSeen);

/// <summary>Source-generated JSON for <see cref="MemberStatusDocument"/>.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(MemberStatusDocument))]
public sealed partial class MemberStatusJsonContext : JsonSerializerContext;
