namespace KubeSync.Engine.Paths;

public sealed partial class SyncRules
{
    /// <summary>
    /// Builds a group's rules from its configuration: every <c>include</c> pattern, then every <c>exclude</c>
    /// pattern, then the optional <c>rules</c> list of <c>"+ pattern"</c> / <c>"- pattern"</c> entries, whose
    /// order matters (it is how something inside an excluded directory is included again). Later rules win.
    /// Throws <see cref="FormatException"/> naming the entry, e.g. <c>exclude[2]: unclosed '[' in pattern "[abc"</c>.
    /// </summary>
    /// <param name="include">The group's <c>include</c> list.</param>
    /// <param name="exclude">The group's <c>exclude</c> list.</param>
    /// <param name="ordered">The group's ordered <c>rules</c> list, if any.</param>
    /// <param name="stateDirectory">The state directory when it lies inside the root: always excluded.</param>
    public static SyncRules FromConfig(
        IReadOnlyList<string> include,
        IReadOnlyList<string> exclude,
        IReadOnlyList<string>? ordered,
        SyncPath? stateDirectory)
    {
        ArgumentNullException.ThrowIfNull(include);
        ArgumentNullException.ThrowIfNull(exclude);
        var labelled = new List<(SyncRule, string)>(include.Count + exclude.Count + (ordered?.Count ?? 0));
        for (var i = 0; i < include.Count; i++)
        {
            labelled.Add((SyncRule.Including(Required(include[i], "include", i)), $"include[{i}]"));
        }

        for (var i = 0; i < exclude.Count; i++)
        {
            labelled.Add((SyncRule.Excluding(Required(exclude[i], "exclude", i)), $"exclude[{i}]"));
        }

        for (var i = 0; ordered is not null && i < ordered.Count; i++)
        {
            var entry = Required(ordered[i], "rules", i);
            try
            {
                labelled.Add((SyncRule.Parse(entry), $"rules[{i}]"));
            }
            catch (FormatException e)
            {
                throw new FormatException($"rules[{i}]: {e.Message}", e);
            }
        }

        return new SyncRules(labelled, stateDirectory);
    }

    private static string Required(string? entry, string key, int index) =>
        entry ?? throw new FormatException($"{key}[{index}]: empty pattern");
}
