using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Configuration;

/// <summary>
/// Reads <c>groups[].roles</c> and resolves this member's role: the first rule whose selector matches the member's pod
/// labels, else the group's <c>role</c>. The labels are asked for only when there are rules.
/// </summary>
internal static class RoleRuleReader
{
    private static readonly Dictionary<string, MemberRole> Roles = new(StringComparer.Ordinal)
    {
        ["send-receive"] = MemberRole.SendReceive,
        ["receive-only"] = MemberRole.ReceiveOnly,
    };

    public static IReadOnlyDictionary<string, MemberRole> Names => Roles;

    public static (IReadOnlyList<RoleRule> Rules, MemberRole Role) Resolve(
        ConfigReader group, MemberRole fallback, Func<string, IReadOnlyDictionary<string, string>> labels)
    {
        var rules = group.MapList("roles").Select(Read).ToList();
        if (rules.Count == 0)
        {
            return (rules, fallback);
        }

        var mine = labels(group.Key("roles"));
        return (rules, rules.FirstOrDefault(r => r.Selector.Matches(mine))?.Role ?? fallback);
    }

    private static RoleRule Read(ConfigReader r)
    {
        if (!r.Has("role"))
        {
            throw new ConfigException(r.Key("role"), "is required: send-receive or receive-only");
        }

        var role = r.Enum("role", MemberRole.SendReceive, Roles);
        var s = r.Map("selector") ?? throw new ConfigException(r.Key("selector"), "is required: matchLabels and/or matchExpressions ({} matches every member)");
        var matchLabels = s.StringMap("matchLabels") ?? new Dictionary<string, string>(StringComparer.Ordinal);
        var expressions = s.MapList("matchExpressions").Select(ReadRequirement).ToList();
        s.RejectUnknownKeys(["matchLabels", "matchExpressions"]);
        r.RejectUnknownKeys(["selector", "role"]);
        return new RoleRule(new RoleSelector(matchLabels, expressions), role);
    }

    private static LabelRequirement ReadRequirement(ConfigReader r)
    {
        var key = r.RequiredString("key");
        var op = r.RequiredString("operator");
        if (!LabelRequirement.Operators.Contains(op))
        {
            throw new ConfigException(r.Key("operator"), $"must be one of {string.Join(", ", LabelRequirement.Operators)}; got \"{op}\"");
        }

        var values = r.StringList("values") ?? [];
        var needsValues = op is LabelRequirement.In or LabelRequirement.NotIn;
        if (needsValues && values.Count == 0)
        {
            throw new ConfigException(r.Key("values"), $"{op} needs at least one value");
        }

        if (!needsValues && values.Count > 0)
        {
            throw new ConfigException(r.Key("values"), $"{op} takes no values");
        }

        r.RejectUnknownKeys(["key", "operator", "values"]);
        return new LabelRequirement(key, op, values);
    }
}
