using System.Text.Json.Serialization;

namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].auto</c>: how concurrent changes are resolved; every member applies the same rule.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConflictPolicy>))]
public enum ConflictPolicy
{
    /// <summary>Keep both sides' files and report the conflict until <c>kubesync force</c> resolves it.</summary>
    [JsonStringEnumMemberName("none")]
    None,

    [JsonStringEnumMemberName("first")]
    First,

    [JsonStringEnumMemberName("younger")]
    Younger,

    [JsonStringEnumMemberName("older")]
    Older,

    [JsonStringEnumMemberName("bigger")]
    Bigger,

    [JsonStringEnumMemberName("smaller")]
    Smaller,

    [JsonStringEnumMemberName("left")]
    Left,

    [JsonStringEnumMemberName("right")]
    Right,

    [JsonStringEnumMemberName("keep-both")]
    KeepBoth,
}
