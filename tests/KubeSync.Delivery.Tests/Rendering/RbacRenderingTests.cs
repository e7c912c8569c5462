using System.Text.Json.Nodes;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>The operator's permissions, rule by rule: exactly what DESIGN 6 needs, no wildcards.</summary>
public sealed class RbacRenderingTests
{
    // group/resource -> verbs, as the ClusterRole must grant them with podExec enabled.
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["kubesync.io/syncgroups"] = ["get", "list", "patch", "update", "watch"],
        ["kubesync.io/syncgroups/status"] = ["get", "patch", "update"],
        ["kubesync.io/syncgroups/finalizers"] = ["update"],
        ["apps/deployments"] = ["get", "list", "patch", "watch"],
        ["apps/statefulsets"] = ["get", "list", "patch", "watch"],
        ["apps/daemonsets"] = ["get", "list", "patch", "watch"],
        ["/pods"] = ["get", "list", "watch"],
        ["/secrets"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["/configmaps"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["/services"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["/serviceaccounts"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["rbac.authorization.k8s.io/roles"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["rbac.authorization.k8s.io/rolebindings"] = ["create", "delete", "get", "list", "patch", "update", "watch"],
        ["/pods/exec"] = ["create", "get"],
        ["/events"] = ["create", "patch"],
        ["events.k8s.io/events"] = ["create", "patch"],
    };

    [RenderFact]
    public async Task ClusterRole_PodExecEnabled_GrantsExactlyTheNeededVerbs()
    {
        var grants = Grants((await ChartRenderer.RenderAsync()).Single("ClusterRole"));

        Assert.Equal(Expected.Keys.Order(StringComparer.Ordinal), grants.Keys.Order(StringComparer.Ordinal));
        foreach (var (resource, verbs) in Expected)
        {
            Assert.True(verbs.SequenceEqual(grants[resource]), $"{resource}: expected {string.Join(',', verbs)}, got {string.Join(',', grants[resource])}");
        }
    }

    [RenderFact]
    public async Task ClusterRole_PodExecDisabled_NoExecAndNoRoleManagement()
    {
        var grants = Grants((await ChartRenderer.RenderAsync("podExec: {enabled: false}")).Single("ClusterRole"));

        Assert.DoesNotContain("/pods/exec", grants.Keys);
        Assert.DoesNotContain("rbac.authorization.k8s.io/roles", grants.Keys);
        Assert.DoesNotContain("rbac.authorization.k8s.io/rolebindings", grants.Keys);
        Assert.Contains("/secrets", grants.Keys);
    }

    [RenderFact]
    public async Task ClusterRole_NoWildcardsNoEscalation()
    {
        var role = (await ChartRenderer.RenderAsync()).Single("ClusterRole");
        var words = role["rules"]!.AsArray().SelectMany(r => new[] { "apiGroups", "resources", "verbs" }.SelectMany(k => r![k]!.AsArray().Select(v => (string)v!))).ToList();

        Assert.DoesNotContain("*", words);
        Assert.DoesNotContain("escalate", words);
        Assert.DoesNotContain("bind", words);
        Assert.DoesNotContain("impersonate", words);
        Assert.Null(role["rules"]!.AsArray().FirstOrDefault(r => r!["nonResourceURLs"] is not null));
    }

    [RenderFact]
    public async Task LeaseRole_InReleaseNamespace_LeasesOnly()
    {
        var chart = await ChartRenderer.RenderAsync();
        var role = chart.Single("Role");
        var binding = chart.Single("RoleBinding");

        Assert.Equal("kubesync-system", (string?)role["metadata"]!["namespace"]);
        var rule = Assert.Single(role["rules"]!.AsArray())!;
        Assert.Equal(["coordination.k8s.io"], rule["apiGroups"]!.AsArray().Select(v => (string)v!));
        Assert.Equal(["leases"], rule["resources"]!.AsArray().Select(v => (string)v!));
        Assert.DoesNotContain("delete", rule["verbs"]!.AsArray().Select(v => (string)v!));
        Assert.Equal((string?)role["metadata"]!["name"], (string?)binding["roleRef"]!["name"]);
        Assert.Equal("kubesync", (string?)binding["subjects"]![0]!["name"]);
    }

    [RenderFact]
    public async Task Rbac_CreateOff_NoRbacObjects()
    {
        var chart = await ChartRenderer.RenderAsync("rbac: {create: false}");

        Assert.DoesNotContain(chart.Kinds, k => k.Contains("Role", StringComparison.Ordinal));
        Assert.Contains("Deployment", chart.Kinds);
    }

    /// <summary>"group/resource" to its sorted verbs, merged over all rules.</summary>
    private static Dictionary<string, List<string>> Grants(JsonObject role)
    {
        var grants = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var rule in role["rules"]!.AsArray())
        {
            foreach (var group in rule!["apiGroups"]!.AsArray().Select(g => (string)g!))
            {
                foreach (var resource in rule["resources"]!.AsArray().Select(r => (string)r!))
                {
                    var verbs = grants.TryGetValue($"{group}/{resource}", out var existing) ? existing : grants[$"{group}/{resource}"] = [];
                    verbs.AddRange(rule["verbs"]!.AsArray().Select(v => (string)v!));
                    verbs.Sort(StringComparer.Ordinal);
                }
            }
        }

        return grants;
    }
}
