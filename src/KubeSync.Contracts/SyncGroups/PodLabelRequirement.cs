using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary><c>matchExpressions[]</c>: In and NotIn compare the label's value with values; Exists and DoesNotExist take no values.</summary>
[SchemaRule(
    "self.operator in ['In', 'NotIn'] ? (has(self.values) && size(self.values) > 0) : (!has(self.values) || size(self.values) == 0)",
    "roles: matchExpressions with In or NotIn need values, with Exists or DoesNotExist none")]
public sealed class PodLabelRequirement
{
    /// <summary>The label's key.</summary>
    [SchemaLength(1, 317)]
    public required string Key { get; set; }

    /// <summary>How the label is compared.</summary>
    [SchemaEnum("In", "NotIn", "Exists", "DoesNotExist")]
    public required string Operator { get; set; }

    /// <summary>The values for In and NotIn.</summary>
    [SchemaLength(-1, 64)]
    public IReadOnlyList<string>? Values { get; set; }
}
