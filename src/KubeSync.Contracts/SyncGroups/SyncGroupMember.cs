using System.Text.Json.Serialization;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>One of <c>status.members</c>: a pod of the group, as its sidecar's /status reports it.</summary>
public sealed class SyncGroupMember
{
    /// <summary>The pod's name (the member's node id).</summary>
    public required string Pod { get; set; }

    /// <summary>The sidecar finished its initial sync and serves /readyz.</summary>
    public bool Ready { get; set; }

    /// <summary>Files this member still owes its peers (summed over peers).</summary>
    public long Dirty { get; set; }

    /// <summary>Unresolved conflicts on this member.</summary>
    public long Conflicts { get; set; }

    /// <summary>The last time this member heard from a peer.</summary>
    [JsonConverter(typeof(ConditionTimeConverter))]
    public DateTimeOffset? LastSync { get; set; }

    /// <summary>Why the member's status could not be read, when it could not.</summary>
    public string? Message { get; set; }
}
