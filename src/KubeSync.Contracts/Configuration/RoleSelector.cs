namespace KubeSync.Contracts.Configuration;

/// <summary>
/// <c>groups[].roles[].selector</c>: a Kubernetes label selector over this member's pod labels. Every
/// <paramref name="MatchLabels"/> entry and every <paramref name="MatchExpressions"/> requirement must hold; an empty
/// selector matches every member.
/// </summary>
public sealed record RoleSelector(IReadOnlyDictionary<string, string> MatchLabels, IReadOnlyList<LabelRequirement> MatchExpressions)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        return MatchLabels.All(l => labels.TryGetValue(l.Key, out var value) && value == l.Value)
            && MatchExpressions.All(e => e.Matches(labels));
    }
}
