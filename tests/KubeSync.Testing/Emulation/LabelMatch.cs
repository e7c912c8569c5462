using System.Text.Json.Nodes;

using KubeSync.Contracts.Configuration;
using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>Label selectors: <c>matchLabels</c> and <c>matchExpressions</c> (In, NotIn, Exists, DoesNotExist).</summary>
internal static class LabelMatch
{
    public static bool Matches(IReadOnlyDictionary<string, string>? selector, IReadOnlyDictionary<string, string>? labels) =>
        selector is not null && selector.All(kv => labels is not null && labels.TryGetValue(kv.Key, out var v) && v == kv.Value);

    /// <summary>An empty selector matches nothing here (a workload always has one; the API server requires it).</summary>
    public static bool Matches(LabelSelector? selector, IReadOnlyDictionary<string, string>? labels)
    {
        if (selector is null || ((selector.MatchLabels?.Count ?? 0) == 0 && (selector.MatchExpressions?.Count ?? 0) == 0))
        {
            return false;
        }

        labels ??= new Dictionary<string, string>();
        if (selector.MatchLabels is { } matchLabels && !Matches(matchLabels, labels))
        {
            return false;
        }

        return (selector.MatchExpressions ?? []).OfType<JsonObject>().All(e => MatchesExpression(e, labels));
    }

    /// <summary>One <c>matchExpressions</c> entry, by the same rules a member applies to its role selectors.</summary>
    private static bool MatchesExpression(JsonObject expression, IReadOnlyDictionary<string, string> labels) =>
        new LabelRequirement(
            expression["key"]?.GetValue<string>() ?? "",
            expression["operator"]?.GetValue<string>() ?? "",
            [.. (expression["values"] as JsonArray ?? []).Select(v => v?.GetValue<string>()).OfType<string>()])
            .Matches(labels);
}
