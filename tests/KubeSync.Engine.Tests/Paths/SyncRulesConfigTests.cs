using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

public sealed class SyncRulesConfigTests
{
    [Fact]
    public void FromConfig_ListsAndOrdered_KeepIncludesThenExcludesThenOrdered()
    {
        var rules = SyncRules.FromConfig(["/", "/b"], ["*~"], ["+ /c", "- d"], null);

        Assert.Equal(
            [SyncRule.Including("/"), SyncRule.Including("/b"), SyncRule.Excluding("*~"), SyncRule.Including("/c"), SyncRule.Excluding("d")],
            rules.Rules);
        Assert.Equal("+ /; + /b; - *~; + /c; - d", rules.ToString());
    }

    [Theory]
    [InlineData(new[] { "/" }, new[] { "*~", ".*", "[abc" }, null, "exclude[2]: unclosed '[' in pattern \"[abc\"")]
    [InlineData(new[] { "/", "" }, new string[0], null, "include[1]: empty pattern")]
    [InlineData(new[] { "/a//b" }, new string[0], null, "include[0]: empty segment ('//') in pattern \"/a//b\"")]
    [InlineData(new[] { "/" }, new string[0], new[] { "+ a", "x" }, "rules[1]: expected \"+ pattern\" or \"- pattern\", got \"x\"")]
    [InlineData(new[] { "/" }, new string[0], new[] { "+a" }, "rules[0]: expected \"+ pattern\" or \"- pattern\", got \"+a\"")]
    [InlineData(new[] { "/" }, new string[0], new[] { "+ [a" }, "rules[0]: unclosed '[' in pattern \"[a\"")]
    [InlineData(new[] { "/" }, new string[0], new[] { "-   " }, "rules[0]: missing pattern after '-' in \"-   \"")]
    public void FromConfig_InvalidEntry_ThrowsNamingEntry(string[] include, string[] exclude, string[]? ordered, string message)
    {
        var error = Assert.Throws<FormatException>(() => SyncRules.FromConfig(include, exclude, ordered, null));

        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void Constructor_InvalidRule_ThrowsNamingRuleIndex()
    {
        var error = Assert.Throws<FormatException>(() => new SyncRules([SyncRule.Including("/"), SyncRule.Excluding("a\\")]));

        Assert.Equal("rules[1]: dangling '\\' at the end in pattern \"a\\\"", error.Message);
    }

    [Theory]
    [InlineData("+ /etc", true, "/etc")]
    [InlineData("- *~", false, "*~")]
    [InlineData("-\t.*", false, ".*")]
    [InlineData("+   a b", true, "a b")]
    public void Parse_SignedRule_ReadsSignAndPattern(string text, bool include, string pattern)
    {
        var rule = SyncRule.Parse(text);

        Assert.Equal(new SyncRule(include, pattern), rule);
        Assert.Equal((include ? "+ " : "- ") + pattern, rule.ToString());
    }
}
