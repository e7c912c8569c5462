using System.Text.Json.Serialization;

using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>status</c>: written by the operator only.</summary>
public sealed class SyncGroupStatus
{
    /// <summary>The spec generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>How many member pods exist.</summary>
    public int MemberCount { get; init; }

    /// <summary>How many member pods report ready.</summary>
    public int ReadyMembers { get; init; }

    /// <summary>Files owed between members, summed over the members.</summary>
    public long Dirty { get; init; }

    /// <summary>Unresolved conflicts, summed over the members.</summary>
    public long Conflicts { get; init; }

    /// <summary>Each member pod.</summary>
    [SchemaListMap("pod")]
    public IReadOnlyList<SyncGroupMember> Members { get; init; } = [];

    /// <summary>Ready, Synced, Conflicts, Degraded.</summary>
    [SchemaListMap("type")]
    public IReadOnlyList<SyncGroupCondition> Conditions { get; init; } = [];

    /// <summary>The workloads whose pod template carries the sidecar, as <c>Kind/name</c>.</summary>
    public IReadOnlyList<string> Workloads { get; init; } = [];

    /// <summary>When the member certificate in the group's Secret expires (it is renewed well before).</summary>
    [JsonConverter(typeof(ConditionTimeConverter))]
    public DateTimeOffset? CertificateNotAfter { get; init; }
}
