using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Configuration;

/// <summary><c>groups[].roles</c> and <c>labelsFile</c>: each member resolves its role from its own pod labels.</summary>
public sealed class MemberRoleConfigTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnv = [];

    private readonly TempDirectory _dir = new("kubesync-roles-");

    public void Dispose() => _dir.Dispose();

    private const string Roles = """
        groups:
          - name: web
            root: /srv/conf
            role: receive-only
            roles:
              - selector: {matchLabels: {statefulset.kubernetes.io/pod-name: web-0}}
                role: send-receive
              - selector:
                  matchExpressions:
                    - {key: tier, operator: In, values: [edge, cache]}
                    - {key: canary, operator: DoesNotExist}
                role: send-receive
        """;

    [Theory]
    [InlineData("statefulset.kubernetes.io/pod-name=\"web-0\"\n", MemberRole.SendReceive)] // first rule
    [InlineData("statefulset.kubernetes.io/pod-name=\"web-1\"\ntier=\"edge\"\n", MemberRole.SendReceive)] // second rule
    [InlineData("statefulset.kubernetes.io/pod-name=\"web-2\"\ntier=\"edge\"\ncanary=\"yes\"\n", MemberRole.ReceiveOnly)] // DoesNotExist fails
    [InlineData("statefulset.kubernetes.io/pod-name=\"web-3\"\ntier=\"db\"\n", MemberRole.ReceiveOnly)] // no rule: role
    [InlineData("", MemberRole.ReceiveOnly)] // no labels at all
    public void Load_Roles_FirstMatchingRuleWinsElseTheGroupsRole(string labels, MemberRole expected)
    {
        var config = Load(Roles, labels);

        Assert.Equal(expected, config.Groups[0].Role);
        Assert.Equal(2, config.Groups[0].Roles.Count);
        Assert.Equal(Path.Combine(_dir.Path, "labels"), config.LabelsFile);
    }

    [Fact]
    public void Load_EmptySelector_MatchesEveryMember()
    {
        var config = Load("groups: [{name: web, root: /r, roles: [{selector: {}, role: receive-only}]}]", "app=\"web\"\n");

        Assert.Equal(MemberRole.ReceiveOnly, config.Groups[0].Role);
    }

    [Fact]
    public void LabelsFile_GoQuotedValues_AreUnescaped()
    {
        var labels = LabelsFile.Parse("a=\"plain\"\nb=\"with \\\"quotes\\\" and \\\\ and \\x41\\u00e9\"\n", "labels");

        Assert.Equal("plain", labels["a"]);
        Assert.Equal("with \"quotes\" and \\ and Aé", labels["b"]);
    }

    [Fact]
    public void LabelsFile_EveryEscapeOfGosQuote_IsUnescaped()
    {
        // The line Go 1.19 prints for fmt.Sprintf("k=%q\n", v), which is how the kubelet writes a downward API labels file:
        // the named control escapes, \u and \U for runes it does not print, printable non-ASCII runes as they are.
        const string line = "k=\"bell\\a bs\\b ff\\f vt\\v tab\\t cr\\r nl\\n é 😀 \\u200b \\U000e0001 q\\\" bs\\\\ end\"\n";

        var labels = LabelsFile.Parse(line, "labels");

        Assert.Equal("bell\a bs\b ff\f vt\v tab\t cr\r nl\n é 😀 \u200b \U000E0001 q\" bs\\ end", labels["k"]);
    }

    [Theory]
    [InlineData("k=\"\\U0011ffff\"")] // past the last code point
    [InlineData("k=\"\\ud800\"")] // a lone surrogate is not a rune
    [InlineData("k=\"\\U0001F60\"")] // seven digits
    [InlineData("k=\"\\q\"")] // no such escape
    public void LabelsFile_BadEscape_NamesTheLine(string line)
    {
        var ex = Assert.Throws<ConfigException>(() => LabelsFile.Parse(line, "labels"));

        Assert.Equal("labelsFile", ex.Key);
        Assert.Contains("labels, line 1", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {}}]}]", "app=\"a\"", "groups[0].roles[0].role: is required: send-receive or receive-only")]
    [InlineData("groups: [{name: a, root: /r, roles: [{role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector: is required")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {}, role: slave}]}]", "app=\"a\"", "groups[0].roles[0].role: must be one of send-receive, receive-only")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {matchLabel: {a: b}}, role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector.matchLabel: unknown key (did you mean 'matchLabels'?)")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {matchLabels: {a: [b]}}, role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector.matchLabels.a: expected a single value")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {matchExpressions: [{key: a, operator: Has}]}, role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector.matchExpressions[0].operator: must be one of In, NotIn, Exists, DoesNotExist; got \"Has\"")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {matchExpressions: [{key: a, operator: In}]}, role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector.matchExpressions[0].values: In needs at least one value")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {matchExpressions: [{key: a, operator: Exists, values: [x]}]}, role: receive-only}]}]", "app=\"a\"", "groups[0].roles[0].selector.matchExpressions[0].values: Exists takes no values")]
    [InlineData("groups: [{name: a, root: /r, roles: [{selector: {}, role: receive-only}]}]", "app: web", "labelsFile: ")]
    public void Load_BadRoles_OneLineNamingTheKey(string yaml, string labels, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => Load(yaml, labels)).Message;

        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error);
    }

    [Fact]
    public void Load_RolesWithoutLabelsFile_SaysWhichKeyNeedsIt()
    {
        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load("groups: [{name: a, root: /r, roles: [{selector: {}, role: receive-only}]}]", "/etc/kubesync/kubesync.yaml", NoEnv)).Message;

        Assert.Equal("groups[0].roles: needs labelsFile: the file holding this member's pod labels (a downward API volume of metadata.labels)", error);
    }

    [Fact]
    public void Load_MissingLabelsFile_NamesTheFileAndTheDownwardApi()
    {
        var yaml = "labelsFile: /nonexistent/podinfo/labels\ngroups: [{name: a, root: /r, roles: [{selector: {}, role: receive-only}]}]";

        var error = Assert.Throws<ConfigException>(() => ConfigLoader.Load(yaml, "/etc/kubesync/kubesync.yaml", NoEnv)).Message;

        Assert.StartsWith("labelsFile: cannot read the labels file /nonexistent/podinfo/labels", error, StringComparison.Ordinal);
        Assert.Contains("downward API", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoRoles_NeverReadsTheLabelsFile()
    {
        var config = ConfigLoader.Load("labelsFile: /nonexistent/labels\ngroups: [{name: a, root: /r}]", "/etc/kubesync/kubesync.yaml", NoEnv);

        Assert.Equal(MemberRole.SendReceive, config.Groups[0].Role);
    }

    private KubeSyncConfig Load(string yaml, string labels)
    {
        File.WriteAllText(_dir.Combine("labels"), labels);
        return ConfigLoader.Load("labelsFile: labels\n" + yaml, _dir.Combine("kubesync.yaml"), NoEnv);
    }
}
