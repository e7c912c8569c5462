using System.Text;
using System.Text.RegularExpressions;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*~", "notes~", true)]
    [InlineData("*~", ".notes~", true)]
    [InlineData("*~", "notes~x", false)]
    [InlineData(".*", ".git", true)]
    [InlineData(".*", "a.git", false)]
    [InlineData("*", ".hidden", true)]
    [InlineData("*.conf", "httpd.conf", true)]
    [InlineData("*.conf", "httpd.conf.bak", false)]
    [InlineData("a*b*c", "aXbYbZc", true)]
    [InlineData("a*b*c", "aXbYbZ", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a?c", "abbc", false)]
    [InlineData("a?c", "a😀c", true)]
    [InlineData("**.bak", "x.bak", true)]
    [InlineData("httpd.conf", "httpd.conf", true)]
    [InlineData("httpd.conf", "Httpd.conf", false)]
    public void IsNameMatch_BasenamePattern_MatchesWholeName(string pattern, string name, bool expected)
    {
        var glob = GlobPattern.Parse(pattern);

        Assert.False(glob.IsPathPattern);
        Assert.Equal(expected, glob.IsNameMatch(name));
    }

    [Theory]
    [InlineData("[abc]", "b", true)]
    [InlineData("[abc]", "d", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[!a-c]", "d", true)]
    [InlineData("[!a-c]", "a", false)]
    [InlineData("[^a-c]", "a", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[!]]", "]", false)]
    [InlineData("[!]]", "x", true)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[\\]x]", "]", true)]
    [InlineData("[[:digit:]]*", "7up", true)]
    [InlineData("[[:digit:]]*", "up", false)]
    [InlineData("[[:upper:]_]", "_", true)]
    [InlineData("[😀-😂]", "😁", true)]
    [InlineData("*.[oa]", "lib.a", true)]
    [InlineData("*.[oa]", "lib.c", false)]
    public void IsNameMatch_CharacterClass_MatchesOneCharacter(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsNameMatch(name));
    }

    [Theory]
    [InlineData("\\*", "*", true)]
    [InlineData("\\*", "a", false)]
    [InlineData("\\[x", "[x", true)]
    [InlineData("a\\?", "a?", true)]
    [InlineData("a\\?", "ab", false)]
    [InlineData("\\\\", "\\", true)]
    public void IsNameMatch_Escape_MatchesLiteralCharacter(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(pattern).IsNameMatch(name));
    }

    [Theory]
    [InlineData("/etc/apache", "etc/apache", true)]
    [InlineData("/etc/apache", "etc/apache/httpd.conf", true)]
    [InlineData("/etc/apache", "etc/apache/sites/default", true)]
    [InlineData("/etc/apache", "etc/apache2", false)]
    [InlineData("/etc/apache", "etc", false)]
    [InlineData("/etc/apache", "x/etc/apache", false)]
    [InlineData("etc/apache", "etc/apache/httpd.conf", true)]
    [InlineData("/etc/apache/", "etc/apache/httpd.conf", true)]
    [InlineData("/", "anything/at/all", true)]
    [InlineData("/srv/*/conf", "srv/a/conf", true)]
    [InlineData("/srv/*/conf", "srv/a/conf/x.yaml", true)]
    [InlineData("/srv/*/conf", "srv/a/b/conf", false)]
    [InlineData("/etc/*.conf", "etc/a/b.conf", false)]
    [InlineData("/etc/*", "etc/a/b.conf", true)]
    [InlineData("/**", "a/b", true)]
    [InlineData("/**/cache", "cache", true)]
    [InlineData("/**/cache", "a/b/cache/x", true)]
    [InlineData("/**/cache", "a/b/cachex", false)]
    [InlineData("/src/**/*.cs", "src/a.cs", true)]
    [InlineData("/src/**/*.cs", "src/x/y/a.cs", true)]
    [InlineData("/src/**/*.cs", "src/x/y/a.txt", false)]
    [InlineData("/a/**/b/**/c", "a/x/b/y/z/c", true)]
    [InlineData("/a/**/b/**/c", "a/x/c/b", false)]
    [InlineData("/a**/b", "ax/b", true)]
    [InlineData("/a**/b", "a/x/b", false)]
    public void IsMatch_PathPattern_MatchesPathOrParentDirectory(string pattern, string path, bool expected)
    {
        var glob = GlobPattern.Parse(pattern);

        Assert.True(glob.IsPathPattern);
        Assert.Equal(expected, glob.IsMatch(SyncPath.Parse(path)));
    }

    [Fact]
    public void IsMatch_BasenamePatternOnPath_MatchesLastSegmentOnly()
    {
        var glob = GlobPattern.Parse("*.conf");

        Assert.True(glob.IsMatch(SyncPath.Parse("etc/x.conf")));
        Assert.False(glob.IsMatch(SyncPath.Parse("x.conf/readme")));
    }

    [Theory]
    [InlineData("[abc", "unclosed '[' in pattern \"[abc\"")]
    [InlineData("a[!", "unclosed '[' in pattern \"a[!\"")]
    [InlineData("[]", "unclosed '[' in pattern \"[]\"")]
    [InlineData("/etc/[a/b]", "unclosed '[' in pattern \"/etc/[a/b]\"")]
    [InlineData("", "empty pattern")]
    [InlineData("a\\", "dangling '\\' at the end in pattern \"a\\\"")]
    [InlineData("[z-a]", "reversed range 'z-a' in pattern \"[z-a]\"")]
    [InlineData("[[:nope:]]", "unknown character class '[:nope:]' in pattern \"[[:nope:]]\"")]
    [InlineData("[[:alpha]", "unclosed '[:' in pattern \"[[:alpha]\"")]
    [InlineData("/a//b", "empty segment ('//') in pattern \"/a//b\"")]
    [InlineData("//", "empty segment ('//') in pattern \"//\"")]
    [InlineData("/a/../b", "'..' segment (it can never match) in pattern \"/a/../b\"")]
    [InlineData("..", "'..' segment (it can never match) in pattern \"..\"")]
    public void Parse_InvalidPattern_ThrowsNamingPattern(string pattern, string message)
    {
        var error = Assert.Throws<FormatException>(() => GlobPattern.Parse(pattern));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Parse_TooManySegments_Throws()
    {
        var pattern = string.Join('/', Enumerable.Repeat("a", GlobPattern.MaxSegments + 1));

        var error = Assert.Throws<FormatException>(() => GlobPattern.Parse(pattern));

        Assert.Contains("more than 63 segments", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsNameMatch_ManyStarsAgainstLongName_FailsWithoutBacktrackingBlowUp()
    {
        var glob = GlobPattern.Parse("*a*a*a*a*a*a*a*a*a*a*b");

        Assert.False(glob.IsNameMatch(new string('a', 250)));
        Assert.True(glob.IsNameMatch(new string('a', 250) + "b"));
    }

    [Fact]
    public void IsMatch_ManyDoubleStarsAgainstDeepPath_FailsWithoutBlowUp()
    {
        var glob = GlobPattern.Parse(string.Join('/', Enumerable.Repeat("**", 30)) + "/b");
        var path = SyncPath.Parse(string.Join('/', Enumerable.Repeat("a", 1000)));

        Assert.False(glob.IsMatch(path));
        Assert.True(glob.IsMatch(path.Append("b")));
    }

    [Fact]
    public void IsNameMatch_RandomPatterns_AgreeWithRegexTranslation()
    {
        var random = new Random(20261121);
        string[] names = ["", "a", "b", ".", "*", "?", "[", "]", "-", "ab", "a.b", "😀"];
        for (var round = 0; round < 3000; round++)
        {
            var (pattern, regex) = RandomGlob(random);
            if (pattern is "." or "..")
            {
                continue;
            }

            var glob = GlobPattern.Parse(pattern);
            var oracle = new Regex("^(?:" + regex + ")$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(5));
            for (var n = 0; n < 8; n++)
            {
                var name = string.Concat(Enumerable.Range(0, random.Next(1, 7)).Select(_ => names[random.Next(names.Length)]));
                if (name.Length > 0)
                {
                    Assert.True(oracle.IsMatch(name) == glob.IsNameMatch(name), $"pattern \"{pattern}\" on \"{name}\"");
                }
            }
        }
    }

    /// <summary>A random glob over a small alphabet and the equivalent regex (the oracle).</summary>
    private static (string Pattern, string Regex) RandomGlob(Random random)
    {
        var pattern = new StringBuilder();
        var regex = new StringBuilder();
        var length = random.Next(1, 7);
        for (var i = 0; i < length; i++)
        {
            (string Glob, string Regex) token = random.Next(11) switch
            {
                0 => ("a", "a"),
                1 => ("b", "b"),
                2 => (".", "\\."),
                3 => ("*", "(?:[^\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])*"),
                4 => ("?", "(?:[^\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])"),
                5 => ("[ab]", "[ab]"),
                6 => ("[!a]", "(?:[^a\\uD800-\\uDFFF]|[\\uD800-\\uDBFF][\\uDC00-\\uDFFF])"),
                7 => ("[*-b]", "[*-b]"),
                8 => ("\\*", "\\*"),
                9 => ("[]]", "\\]"),
                _ => ("\\[", "\\["),
            };
            pattern.Append(token.Glob);
            regex.Append(token.Regex);
        }

        return (pattern.ToString(), regex.ToString());
    }
}
