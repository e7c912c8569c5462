using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

/// <summary>Seeded random rule sets over a small tree, checked against a slow, direct reading of the semantics.</summary>
public sealed class SyncRulesPropertyTests
{
    private static readonly string[] Names = ["a", "b", ".a", "a~"];
    private static readonly string[] PathSegments = ["a", "b", ".a", "*", "?", "[ab]", "**", "a~"];
    private static readonly string[] BasenamePatterns = ["a", "b", ".*", "*~", "?", "[!a]", "*"];
    private static readonly List<SyncPath> Tree = BuildTree(4);

    [Fact]
    public void Evaluate_RandomRules_IncludeAgreesWithReferenceSemantics()
    {
        var random = new Random(42);
        var checkedIncluded = 0;
        for (var round = 0; round < 300; round++)
        {
            var rules = RandomRules(random);
            var compiled = new SyncRules(rules);
            foreach (var path in Tree)
            {
                var expected = ReferenceSynced(rules, path);
                Assert.True(
                    expected == (compiled.Evaluate(path) == RuleDecision.Include),
                    $"{compiled} on {path}: expected synced={expected}");
                checkedIncluded += expected ? 1 : 0;
            }
        }

        Assert.True(checkedIncluded > 1000, "the generator should produce included paths");
    }

    [Fact]
    public void Evaluate_RandomRules_ExcludedDirectoryHasNothingIncludedBelow()
    {
        var random = new Random(7);
        for (var round = 0; round < 300; round++)
        {
            var rules = new SyncRules(RandomRules(random), random.Next(3) == 0 ? SyncPath.Parse("a/b") : null);
            var decisions = Tree.ToDictionary(p => p.Value, rules.Evaluate);
            foreach (var path in Tree)
            {
                var parent = path.Parent;
                if (parent is not null && decisions[parent.Value] == RuleDecision.Exclude)
                {
                    Assert.True(decisions[path.Value] == RuleDecision.Exclude, $"{rules} on {path}: parent excluded but not the path");
                }
            }
        }
    }

    [Fact]
    public void Evaluate_IncludeOnlyBelowTraversedAncestors_WhenWalkedFromRoot()
    {
        var random = new Random(1234);
        for (var round = 0; round < 200; round++)
        {
            var rules = new SyncRules(RandomRules(random));
            foreach (var path in Tree.Where(p => rules.Evaluate(p) == RuleDecision.Include))
            {
                Assert.All(path.SelfAndAncestors().Skip(1), a => Assert.NotEqual(RuleDecision.Exclude, rules.Evaluate(a)));
            }
        }
    }

    private static List<SyncRule> RandomRules(Random random)
    {
        var rules = new List<SyncRule>();
        var count = random.Next(1, 6);
        for (var i = 0; i < count; i++)
        {
            var include = random.Next(2) == 0;
            if (random.Next(2) == 0)
            {
                rules.Add(new SyncRule(include, BasenamePatterns[random.Next(BasenamePatterns.Length)]));
                continue;
            }

            var depth = random.Next(0, 4);
            var segments = Enumerable.Range(0, depth).Select(_ => PathSegments[random.Next(PathSegments.Length)]);
            rules.Add(new SyncRule(include, "/" + string.Join('/', segments)));
        }

        return rules;
    }

    /// <summary>The semantics of docs/rules.md, read literally and slowly.</summary>
    private static bool ReferenceSynced(List<SyncRule> rules, SyncPath path)
    {
        var names = path.Value.Split('/');
        int LastBasename(string name) => rules.FindLastIndex(r => !r.Pattern.Contains('/') && GlobPattern.Parse(r.Pattern).IsNameMatch(name));

        int closedBy = -1, closedDepth = 0;
        for (var depth = 1; depth < names.Length; depth++)
        {
            var b = LastBasename(names[depth - 1]);
            if (b >= 0 && !rules[b].Include)
            {
                closedBy = Math.Max(closedBy, b);
                closedDepth = depth;
            }
        }

        var self = LastBasename(names[^1]);
        if (self >= 0 && !rules[self].Include)
        {
            return false;
        }

        var deciding = rules.FindLastIndex(r => r.Pattern.Contains('/') && ShallowestMatch(Segments(r.Pattern), names) >= 0);
        if (deciding < 0 || !rules[deciding].Include)
        {
            return false;
        }

        return closedDepth == 0
            || (deciding > closedBy && ShallowestMatch(Segments(rules[deciding].Pattern), names) > closedDepth);
    }

    private static string[] Segments(string pattern) => pattern == "/" ? [] : pattern.TrimStart('/').Split('/');

    private static int ShallowestMatch(string[] pattern, string[] names)
    {
        for (var k = 0; k <= names.Length; k++)
        {
            if (MatchesExactly(pattern, 0, names.AsSpan(0, k)))
            {
                return k;
            }
        }

        return -1;
    }

    private static bool MatchesExactly(string[] pattern, int i, ReadOnlySpan<string> names)
    {
        if (i == pattern.Length)
        {
            return names.IsEmpty;
        }

        if (pattern[i] == "**")
        {
            return MatchesExactly(pattern, i + 1, names) || (!names.IsEmpty && MatchesExactly(pattern, i, names[1..]));
        }

        return !names.IsEmpty && GlobPattern.Parse(pattern[i]).IsNameMatch(names[0]) && MatchesExactly(pattern, i + 1, names[1..]);
    }

    private static List<SyncPath> BuildTree(int depth)
    {
        var level = Names.Select(SyncPath.Parse).ToList();
        var all = new List<SyncPath>(level);
        for (var d = 1; d < depth; d++)
        {
            level = [.. level.SelectMany(p => Names.Select(p.Append))];
            all.AddRange(level);
        }

        return all;
    }
}
