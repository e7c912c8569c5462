using System.Text.Json.Serialization;

namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].role</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<MemberRole>))]
public enum MemberRole
{
    [JsonStringEnumMemberName("send-receive")]
    SendReceive,

    /// <summary>Never sends local changes (csync2's slave hosts, Syncthing's receive-only folders).</summary>
    [JsonStringEnumMemberName("receive-only")]
    ReceiveOnly,
}
