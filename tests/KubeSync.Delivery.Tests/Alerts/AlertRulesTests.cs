using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Alerts;

/// <summary>
/// The alerts in charts/kubesync/files/alerts.yaml: promtool checks them and runs their unit tests
/// (alerts.test.yaml beside this file); every alert carries what a person needs and a runbook that exists.
/// </summary>
public sealed partial class AlertRulesTests
{
    private const string PromtoolHint = "Debian's prometheus package; .ci/run installs it";
    private static readonly string RulesPath = Path.Combine(RepositoryLayout.Chart, "files", "alerts.yaml");
    private static readonly string RuleTestsPath = RepositoryLayout.Combine("tests/KubeSync.Delivery.Tests/Alerts/alerts.test.yaml");

    [ToolFact(PromtoolHint, "promtool")]
    public async Task PromtoolCheckRules_AlertsFile_Passes()
    {
        var result = await ExternalTool.RunAsync(ExternalTool.Find("promtool")!, ["check", "rules", RulesPath]);

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS: 3 rules found", result.Stdout, StringComparison.Ordinal);
    }

    [ToolFact(PromtoolHint, "promtool")]
    public async Task PromtoolTestRules_UnitTests_Pass()
    {
        var result = await ExternalTool.RunAsync(
            ExternalTool.Find("promtool")!, ["test", "rules", Path.GetFileName(RuleTestsPath)], Path.GetDirectoryName(RuleTestsPath));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("SUCCESS", result.Stdout, StringComparison.Ordinal);
    }

    [ToolFact(PromtoolHint, "promtool")]
    public async Task PromtoolTestRules_WrongExpectation_Fails()
    {
        // Proof that the unit tests can fail: the same tests expecting the peer-down alert on the wrong pod.
        using var dir = new KubeSync.Testing.TempDirectory();
        var text = (await File.ReadAllTextAsync(RuleTestsPath))
            .Replace("../../../charts/kubesync/files/alerts.yaml", RulesPath, StringComparison.Ordinal)
            .Replace("{severity: warning, namespace: shop, pod: web-2, group: conf}", "{severity: warning, namespace: shop, pod: web-0, group: conf}", StringComparison.Ordinal);
        var path = dir.WriteFile("alerts.test.yaml", text);

        var result = await ExternalTool.RunAsync(ExternalTool.Find("promtool")!, ["test", "rules", path]);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("KubeSyncPeerDown", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Alerts_TheThreeAlerts_ExistWithSeverityAndAnnotations()
    {
        var rules = AlertRules();

        Assert.Equal(["KubeSyncConflicts", "KubeSyncDirtyFiles", "KubeSyncPeerDown"], rules.Keys.Order(StringComparer.Ordinal));
        foreach (var (name, rule) in rules)
        {
            Assert.Contains((string?)rule["labels"]?["severity"], new[] { "warning", "critical" });
            foreach (var annotation in new[] { "summary", "description", "runbook_url" })
            {
                Assert.False(string.IsNullOrWhiteSpace((string?)rule["annotations"]?[annotation]), $"{name}: annotation {annotation} is missing");
            }
        }
    }

    [Fact]
    public void Alerts_Expressions_UseMetricsTheSidecarExports()
    {
        // The names the engine registers (src/KubeSync.Engine/Metrics/KubeSyncMetrics.cs), so a renamed metric
        // cannot leave an alert that never fires.
        var source = File.ReadAllText(RepositoryLayout.Combine("src/KubeSync.Engine/Metrics/KubeSyncMetrics.cs"));
        var exported = MetricName().Matches(source).Select(m => m.Groups[1].Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal("kubesync_oldest_dirty_age_seconds > 600", ((string?)AlertRules()["KubeSyncDirtyFiles"]["expr"])?.Trim());
        foreach (var (name, rule) in AlertRules())
        {
            var used = UsedMetric().Matches((string)rule["expr"]!).Select(m => m.Value).ToList();
            Assert.NotEmpty(used);
            Assert.All(used, metric => Assert.True(exported.Contains(metric), $"{name} uses {metric}, which KubeSyncMetrics does not export"));
        }
    }

    [Fact]
    public void Alerts_RunbookUrls_PointAtSectionsOfOperationsDoc()
    {
        var anchors = Headings().Matches(File.ReadAllText(RepositoryLayout.Combine("docs/operations.md")))
            .Select(m => Anchor(m.Groups[1].Value)).ToHashSet(StringComparer.Ordinal);

        foreach (var (name, rule) in AlertRules())
        {
            var url = (string)rule["annotations"]!["runbook_url"]!;
            Assert.StartsWith("docs/operations.md#", url, StringComparison.Ordinal);
            Assert.True(anchors.Contains(url["docs/operations.md#".Length..]), $"{name}: {url} names no heading of docs/operations.md");
            Assert.Equal(name.ToLowerInvariant(), url["docs/operations.md#".Length..]);
        }
    }

    private static Dictionary<string, JsonObject> AlertRules() =>
        YamlDocuments.ParseFile(RulesPath)["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray())
            .Select(r => r!.AsObject())
            .ToDictionary(r => (string)r["alert"]!, StringComparer.Ordinal);

    /// <summary>GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes.</summary>
    private static string Anchor(string heading) =>
        string.Concat(heading.Trim().ToLowerInvariant().Where(c => char.IsLetterOrDigit(c) || c is ' ' or '-' or '_')).Replace(' ', '-');

    [GeneratedRegex("\"(kubesync_[a-z_]+)\"")]
    private static partial Regex MetricName();

    [GeneratedRegex(@"\bkubesync_[a-z_]+\b")]
    private static partial Regex UsedMetric();

    [GeneratedRegex(@"^#{1,6}\s+(.+)$", RegexOptions.Multiline)]
    private static partial Regex Headings();
}
