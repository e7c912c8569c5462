using System.Text.Json.Serialization;

using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>One of <c>status.conditions</c> (the standard metav1.Condition shape).</summary>
public sealed class SyncGroupCondition
{
    /// <summary>Ready, Synced, Conflicts or Degraded (<see cref="SyncGroupConditionTypes"/>).</summary>
    public required string Type { get; init; }

    /// <summary>True, False or Unknown.</summary>
    [SchemaEnum("True", "False", "Unknown")]
    public required string Status { get; init; }

    /// <summary>One CamelCase word for programs.</summary>
    public required string Reason { get; init; }

    /// <summary>What happened, for people; for Degraded, what to fix.</summary>
    public string? Message { get; init; }

    /// <summary>The spec generation this condition was computed from.</summary>
    public long? ObservedGeneration { get; init; }

    /// <summary>When the status last changed.</summary>
    [JsonConverter(typeof(ConditionTimeConverter))]
    public DateTimeOffset? LastTransitionTime { get; init; }
}
