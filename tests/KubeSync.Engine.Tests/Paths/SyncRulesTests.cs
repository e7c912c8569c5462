using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

public sealed class SyncRulesTests
{
    private const RuleDecision In = RuleDecision.Include;
    private const RuleDecision Out = RuleDecision.Exclude;
    private const RuleDecision Through = RuleDecision.Traverse;

    /// <summary>
    /// csync2's documented example (paper, section 3.4.4: <c>include /etc/apache; include %homedir%/bob;
    /// exclude %homedir%/bob/temp; exclude *~ .*;</c>) with <c>%homedir%</c> as <c>/home</c>, relative to the root.
    /// </summary>
    private static readonly SyncRules Csync2Example = SyncRules.FromConfig(
        ["/etc/apache", "/home/bob"], ["/home/bob/temp", "*~", ".*"], null, null);

    [Theory]
    [InlineData("etc", Through)]
    [InlineData("etc/apache", In)]
    [InlineData("etc/apache/httpd.conf", In)]
    [InlineData("etc/apache/sites-available/default", In)]
    [InlineData("etc/apache/httpd.conf~", Out)]
    [InlineData("etc/apache/.htaccess", Out)]
    [InlineData("etc/apache2", Out)]
    [InlineData("etc/passwd", Out)]
    [InlineData("home", Through)]
    [InlineData("home/bob", In)]
    [InlineData("home/bob/notes.txt", In)]
    [InlineData("home/bob/tempfile", In)]
    [InlineData("home/bob/temp", Out)]
    [InlineData("home/bob/temp/scratch.txt", Out)]
    [InlineData("home/bob/.bashrc", Out)]
    [InlineData("home/bob/.ssh", Out)]
    [InlineData("home/bob/.ssh/id_ed25519", Out)]
    [InlineData("home/bob/src~/main.c", Out)]
    [InlineData("home/bob2", Out)]
    [InlineData("home/alice/notes.txt", Out)]
    [InlineData("var", Out)]
    [InlineData(".etc/apache", Out)]
    public void Evaluate_Csync2DocumentedExample_MatchesCsync2(string path, RuleDecision expected)
    {
        Assert.Equal(expected, Csync2Example.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a/b/c")]
    [InlineData(".hidden")]
    public void Evaluate_NoRules_ExcludesEverything(string path)
    {
        var rules = new SyncRules([]);

        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Fact]
    public void Evaluate_OnlyBasenameIncludes_ExcludesBecausePathDefaultIsExclude()
    {
        var rules = new SyncRules([SyncRule.Including("*.conf")]);

        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse("httpd.conf")));
    }

    [Fact]
    public void Evaluate_IncludeRoot_IncludesEverythingBecauseBasenameDefaultIsInclude()
    {
        var rules = new SyncRules([SyncRule.Including("/")]);

        Assert.Equal(In, rules.Evaluate(SyncPath.Parse("a")));
        Assert.Equal(In, rules.Evaluate(SyncPath.Parse("a/.b/c~")));
    }

    [Theory]
    [InlineData("a", Through)]
    [InlineData("a/b", In)]
    [InlineData("a/b/c", In)]
    [InlineData("a/c", Out)]
    [InlineData("b", In)]
    public void Evaluate_PathRulesInOrder_LastMatchWins(string path, RuleDecision expected)
    {
        var rules = new SyncRules([SyncRule.Parse("+ /"), SyncRule.Parse("- /a"), SyncRule.Parse("+ /a/b")]);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("a", Out)]
    [InlineData("a/b", Out)]
    [InlineData("a/b/c", Out)]
    [InlineData("b", In)]
    public void Evaluate_PathIncludeBeforeExclude_ExcludeWins(string path, RuleDecision expected)
    {
        var rules = new SyncRules([SyncRule.Parse("+ /"), SyncRule.Parse("+ /a/b"), SyncRule.Parse("- /a")]);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("- *.log", "+ keep.log", "keep.log", In)]
    [InlineData("- *.log", "+ keep.log", "other.log", Out)]
    [InlineData("+ keep.log", "- *.log", "keep.log", Out)]
    [InlineData("- *.log", "+ keep.log", "dir/keep.log", In)]
    public void Evaluate_BasenameRulesInOrder_LastMatchWins(string first, string second, string path, RuleDecision expected)
    {
        var rules = new SyncRules([SyncRule.Including("/"), SyncRule.Parse(first), SyncRule.Parse(second)]);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Fact]
    public void Evaluate_BothKinds_PathAndBasenameDecideIndependently()
    {
        // The basename include comes last but cannot beat a path exclusion: each kind has its own last match.
        var rules = new SyncRules([SyncRule.Including("/"), SyncRule.Excluding("/tmp"), SyncRule.Including("*")]);

        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse("tmp/x")));
        Assert.Equal(In, rules.Evaluate(SyncPath.Parse("x")));
    }

    [Theory]
    [InlineData("conf", Out)]
    [InlineData("a/conf", Out)]
    [InlineData("a/conf/x", Out)]
    [InlineData("a/b", In)]
    public void Evaluate_BasenamePattern_MatchesAtAnyDepth(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/"], ["conf"], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("conf", Out)]
    [InlineData("conf/x", Out)]
    [InlineData("a/conf", In)]
    [InlineData("a/b", Out)]
    [InlineData("a/b/c", Out)]
    [InlineData("x/a/b", In)]
    public void Evaluate_PathPattern_IsAnchoredAtRoot(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/"], ["/conf", "a/b"], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData(".git", Out)]
    [InlineData(".git/config", Out)]
    [InlineData(".git/objects/ab/cdef", Out)]
    [InlineData("src/.git/HEAD", Out)]
    [InlineData("node_modules/x/index.js", Out)]
    [InlineData("src/main.c", In)]
    public void Evaluate_BasenameExcludedDirectory_ExcludesWholeSubtree(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/", "/.git/hooks"], [".*", "node_modules"], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("cache", Through)]
    [InlineData("cache/keep", In)]
    [InlineData("cache/keep/x", In)]
    [InlineData("cache/other", Out)]
    [InlineData(".config", Through)]
    [InlineData(".config/app", In)]
    [InlineData(".config/app/settings.json", In)]
    [InlineData(".config/app/.lock", Out)]
    [InlineData(".config/other", Out)]
    [InlineData(".git", Out)]
    public void Evaluate_OrderedRulesAfterExcludes_ReincludeInsideExcludedDirectory(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/"], ["/cache", ".*"], ["+ /cache/keep", "+ /.config/app"], null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Fact]
    public void Evaluate_LaterRootInclude_DoesNotReopenBasenameExcludedDirectory()
    {
        // "/" matches ".git" itself, so it names nothing below it and cannot reopen it.
        var rules = SyncRules.FromConfig([], [".*"], ["+ /"], null);

        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse(".git")));
        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse(".git/config")));
        Assert.Equal(In, rules.Evaluate(SyncPath.Parse("config")));
    }

    [Theory]
    [InlineData("srv", Through)]
    [InlineData("srv/site-a", Through)]
    [InlineData("srv/site-a/conf", In)]
    [InlineData("srv/site-a/conf/nginx.conf", In)]
    [InlineData("srv/site-a/data", Out)]
    [InlineData("srv/site-a/b/conf", Out)]
    [InlineData("srv.bak", Out)]
    public void Evaluate_WildcardInMiddleSegment_TraversesAncestors(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/srv/*/conf"], [], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("src", Through)]
    [InlineData("src/a/b", Through)]
    [InlineData("src/a/b/x.cs", In)]
    [InlineData("src/x.cs", In)]
    [InlineData("src/bin/x.cs", Out)]
    [InlineData("src/a/bin/x.cs", Out)]
    [InlineData("docs", Out)]
    public void Evaluate_DoubleStar_MatchesAnyDepth(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/src/**/*.cs"], ["/**/bin"], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData("lib.o", Out)]
    [InlineData("lib.a", Out)]
    [InlineData("lib.c", In)]
    [InlineData("*", Out)]
    [InlineData("star", In)]
    public void Evaluate_ClassesAndEscapes_UsedInRules(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/"], ["*.[oa]", "\\*"], null, null);

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
    }

    [Theory]
    [InlineData(".kubesync", Out)]
    [InlineData(".kubesync/state.db", Out)]
    [InlineData(".kubesync/x/y", Out)]
    [InlineData(".kubesyncx", In)]
    [InlineData("a/.kubesync", In)]
    public void Evaluate_StateDirectory_AlwaysExcludedEvenWhenIncluded(string path, RuleDecision expected)
    {
        var rules = SyncRules.FromConfig(["/", "/.kubesync"], [], ["+ /.kubesync/x", "+ .kubesync"], SyncPath.Parse(".kubesync"));

        Assert.Equal(expected, rules.Evaluate(SyncPath.Parse(path)));
        Assert.Equal(".kubesync", rules.AlwaysExcluded?.Value);
    }

    [Fact]
    public void Evaluate_NestedStateDirectory_ExcludedWhileParentTraversed()
    {
        var rules = SyncRules.FromConfig(["/"], [], null, SyncPath.Parse("var/kubesync"));

        Assert.Equal(In, rules.Evaluate(SyncPath.Parse("var")));
        Assert.Equal(Out, rules.Evaluate(SyncPath.Parse("var/kubesync/db")));
        Assert.True(rules.IsIncluded(SyncPath.Parse("var/other")));
    }

    /// <summary>The watcher's byte test and the rules' string test name the same temp files.</summary>
    [Theory]
    [InlineData(".kubesync-00ff00ff00ff00ff.tmp", true)]
    [InlineData(".kubesync-.tmp", true)]
    [InlineData(".kubesync-00ff.tmp.txt", false)]
    [InlineData("kubesync-00ff.tmp", false)]
    [InlineData("a.tmp", false)]
    public void IsApplierTempName_Bytes_AgreesWithTheRules(string name, bool temp)
    {
        Assert.Equal(temp, SyncRules.IsApplierTempName(System.Text.Encoding.UTF8.GetBytes(name)));
        Assert.Equal(temp, SyncRules.FromConfig(["/"], [], null, null).Evaluate(SyncPath.Parse(name)) == Out);
    }
}
