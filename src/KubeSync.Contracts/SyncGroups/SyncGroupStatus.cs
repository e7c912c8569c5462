using System.Text.Json.Serialization;

using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>status</c>: written by the operator only.</summary>
public sealed class SyncGroupStatus
{
    /// <summary>The spec generation the operator last acted on.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>How many member pods exist.</summary>
    public int MemberCount { get; set; }

    /// <summary>How many member pods report ready.</summary>
    public int ReadyMembers { get; set; }

    /// <summary>Files owed between members, summed over the members.</summary>
    public long Dirty { get; set; }

    /// <summary>Unresolved conflicts, summed over the members.</summary>
    public long Conflicts { get; set; }

    /// <summary>Each member pod.</summary>
    [SchemaListMap("pod")]
    public IReadOnlyList<SyncGroupMember> Members { get; set; } = [];

    /// <summary>Ready, Synced, Conflicts, Degraded.</summary>
    [SchemaListMap("type")]
    public IReadOnlyList<SyncGroupCondition> Conditions { get; set; } = [];

    /// <summary>The workloads whose pod template carries the sidecar, as <c>Kind/name</c>.</summary>
    public IReadOnlyList<string> Workloads { get; set; } = [];

    /// <summary>When the member certificate in the group's Secret expires (it is renewed well before).</summary>
    [JsonConverter(typeof(ConditionTimeConverter))]
    public DateTimeOffset? CertificateNotAfter { get; set; }
}
