using System.Text.Json.Serialization;

using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>One of <c>status.conditions</c> (the standard metav1.Condition shape).</summary>
public sealed class SyncGroupCondition
{
    /// <summary>Ready, Synced, Conflicts or Degraded (<see cref="SyncGroupConditionTypes"/>).</summary>
    public required string Type { get; set; }

    /// <summary>True, False or Unknown.</summary>
    [SchemaEnum("True", "False", "Unknown")]
    public required string Status { get; set; }

    /// <summary>One CamelCase word for programs.</summary>
    public required string Reason { get; set; }

    /// <summary>What happened, for people; for Degraded, what to fix.</summary>
    public string? Message { get; set; }

    /// <summary>The spec generation this condition was computed from.</summary>
    public long? ObservedGeneration { get; set; }

    /// <summary>When the status last changed.</summary>
    [JsonConverter(typeof(ConditionTimeConverter))]
    public DateTimeOffset? LastTransitionTime { get; set; }
}
