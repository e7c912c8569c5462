namespace KubeSync.Engine.Paths;

/// <summary>
/// A group's include/exclude rules with csync2's semantics (see <c>docs/rules.md</c>): path patterns and
/// basename patterns are two kinds, the last matching rule of each kind decides, the path kind defaults to
/// exclude and the basename kind to include, and a path is synced when both say include. In addition, a
/// directory excluded by a basename rule excludes its whole subtree, and the state directory is always
/// excluded. Immutable and safe to share between threads.
/// </summary>
public sealed partial class SyncRules
{
    private readonly CompiledRule[] pathRules;
    private readonly CompiledRule[] basenameRules;
    private readonly CompiledRule[] pathIncludes;

    /// <summary>
    /// Compiles <paramref name="rules"/> (in order: later rules win). <paramref name="alwaysExcluded"/> (the
    /// state directory, when it lies inside the root) is excluded with its subtree whatever the rules say.
    /// Throws <see cref="FormatException"/> naming the rule (<c>rules[i]</c>) when a pattern is invalid.
    /// </summary>
    public SyncRules(IEnumerable<SyncRule> rules, SyncPath? alwaysExcluded = null)
        : this(Label(rules, "rules"), alwaysExcluded)
    {
    }

    private SyncRules(IReadOnlyList<(SyncRule Rule, string Label)> labelled, SyncPath? alwaysExcluded)
    {
        var compiled = new CompiledRule[labelled.Count];
        for (var i = 0; i < labelled.Count; i++)
        {
            var (rule, label) = labelled[i];
            try
            {
                compiled[i] = new CompiledRule(i, rule.Include, GlobPattern.Parse(rule.Pattern));
            }
            catch (FormatException e)
            {
                throw new FormatException($"{label}: {e.Message}", e);
            }
        }

        Rules = [.. labelled.Select(l => l.Rule)];
        AlwaysExcluded = alwaysExcluded;
        pathRules = [.. compiled.Where(r => r.Pattern.IsPathPattern)];
        basenameRules = [.. compiled.Where(r => !r.Pattern.IsPathPattern)];
        pathIncludes = [.. pathRules.Where(r => r.Include)];
    }

    /// <summary>Prefix of the applier's temp files, which no rule can include.</summary>
    public const string TempFilePrefix = ".kubesync-";

    /// <summary>Suffix of the applier's temp files.</summary>
    public const string TempFileSuffix = ".tmp";

    /// <summary>The rules in evaluation order.</summary>
    public IReadOnlyList<SyncRule> Rules { get; }

    /// <summary>The path excluded with its subtree whatever the rules say (the state directory), if any.</summary>
    public SyncPath? AlwaysExcluded { get; }

    /// <summary>True when <paramref name="path"/> is synced (<see cref="Evaluate(SyncPath)"/> is <see cref="RuleDecision.Include"/>).</summary>
    public bool IsIncluded(SyncPath path) => Evaluate(path) == RuleDecision.Include;

    /// <summary>
    /// Decides one path. The answer depends on the path alone (not on the walk that reached it), and is
    /// consistent over the tree: when a directory is <see cref="RuleDecision.Exclude"/>, so is everything below it.
    /// </summary>
    public RuleDecision Evaluate(SyncPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (AlwaysExcluded is not null && (AlwaysExcluded.Equals(path) || AlwaysExcluded.IsAncestorOf(path)))
        {
            return RuleDecision.Exclude;
        }

        var value = path.Value;
        if (IsApplierTempFile(value))
        {
            return RuleDecision.Exclude;
        }

        var (closedBy, closedDepth, selfBasename, selfIncluded) = ScanBasenames(value);
        var (pathIndex, matchDepth) = LastPathMatch(value);
        var pathIncluded = pathIndex >= 0 && pathRules[pathIndex].Include;

        // A closed ancestor is reopened only by a later path include that names something below it.
        var reopened = closedDepth == 0 || (pathIncluded && pathRules[pathIndex].Index > closedBy && matchDepth > closedDepth);
        if (pathIncluded && selfIncluded && reopened)
        {
            return RuleDecision.Include;
        }

        // Below this path, only a path include can change the outcome, and only one that comes after every rule
        // that decides here: the rule deciding this path matches everything below it too (leading-directory
        // matching), and a closing basename exclusion can only be overridden by a later include.
        var after = selfIncluded ? closedBy : Math.Max(closedBy, selfBasename);
        after = pathIndex >= 0 ? Math.Max(after, pathRules[pathIndex].Index) : after;
        foreach (var rule in pathIncludes)
        {
            if (rule.Index > after && rule.Pattern.CanMatchBelow(value))
            {
                return RuleDecision.Traverse;
            }
        }

        return RuleDecision.Exclude;
    }

    public override string ToString() => string.Join("; ", Rules);

    /// <summary>The applier's temp files (<c>.kubesync-*.tmp</c>) are never synced, whatever the rules say.</summary>
    private static bool IsApplierTempFile(string value)
    {
        var name = value.AsSpan(value.LastIndexOf('/') + 1);
        return name.StartsWith(TempFilePrefix, StringComparison.Ordinal) && name.EndsWith(TempFileSuffix, StringComparison.Ordinal);
    }

    /// <summary>Whether a base name, as the kernel gives it (UTF-8), is one of the applier's temp files: checked before decoding it.</summary>
    public static bool IsApplierTempName(ReadOnlySpan<byte> name) =>
        name.StartsWith(".kubesync-"u8) && name.EndsWith(".tmp"u8);

    /// <summary>
    /// Applies the basename rules to every segment. An ancestor whose name is excluded closes its subtree:
    /// returns the latest rule that closed one (-1 if none), the depth of the deepest closed ancestor (0 if
    /// none), and the last basename rule matching the path's own name with its verdict.
    /// </summary>
    private (int ClosedBy, int ClosedDepth, int SelfIndex, bool SelfIncluded) ScanBasenames(string value)
    {
        int closedBy = -1, closedDepth = 0, depth = 0;
        for (var from = 0; ; depth++)
        {
            var slash = value.IndexOf('/', from);
            var (index, include) = LastBasenameMatch(value.AsSpan(from, (slash < 0 ? value.Length : slash) - from));
            if (slash < 0)
            {
                return (closedBy, closedDepth, index, include);
            }

            if (!include)
            {
                (closedBy, closedDepth) = (Math.Max(closedBy, index), depth + 1);
            }

            from = slash + 1;
        }
    }

    /// <summary>Index (in <see cref="Rules"/>) and verdict of the last basename rule matching the name; (-1, include) when none does.</summary>
    private (int Index, bool Include) LastBasenameMatch(ReadOnlySpan<char> name)
    {
        for (var i = basenameRules.Length - 1; i >= 0; i--)
        {
            if (basenameRules[i].Pattern.IsNameMatch(name))
            {
                return (basenameRules[i].Index, basenameRules[i].Include);
            }
        }

        return (-1, true);
    }

    /// <summary>Position in <c>pathRules</c> of the last path rule matching, with its shallowest matching depth; (-1, -1) when none does.</summary>
    private (int Position, int Depth) LastPathMatch(string value)
    {
        for (var i = pathRules.Length - 1; i >= 0; i--)
        {
            var depth = pathRules[i].Pattern.MatchDepth(value);
            if (depth >= 0)
            {
                return (i, depth);
            }
        }

        return (-1, -1);
    }

    private static List<(SyncRule, string)> Label(IEnumerable<SyncRule> rules, string key)
    {
        ArgumentNullException.ThrowIfNull(rules);
        return [.. rules.Select((r, i) => (r, $"{key}[{i}]"))];
    }

    private readonly record struct CompiledRule(int Index, bool Include, GlobPattern Pattern);
}
