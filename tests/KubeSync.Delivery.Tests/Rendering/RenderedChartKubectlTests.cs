using KubeSync.Delivery.Tests.Support;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>
/// The rendered chart goes through the real kubectl into the fake API server, as `helm install` would send it:
/// the CRDs first, then every object by server-side apply. kubectl maps each apiVersion/kind through discovery and
/// the fake stores it, so a wrong group, version or kind, or a manifest kubectl cannot decode, fails here.
/// </summary>
[Trait("Category", "Kubectl")]
public sealed class RenderedChartKubectlTests
{
    private const string Namespace = "kubesync-system";

    [RenderFact(needsKubectl: true)]
    public async Task KubectlApply_RenderedChartWithMonitoring_EveryObjectStored()
    {
        var chart = await ChartRenderer.RenderAsync(
            "monitoring: {serviceMonitor: {enabled: true}, podMonitor: {enabled: true}, prometheusRule: {enabled: true}}", ["monitoring.coreos.com/v1"], ns: Namespace);
        using var dir = new TempDirectory();
        await using var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake API server");
        // The fake serves the built-ins the operator uses; a real cluster also has these (the monitoring ones
        // with the Prometheus Operator installed).
        server.Resources.Add(new FakeResourceDefinition("rbac.authorization.k8s.io", "v1", "clusterroles", "clusterrole", "ClusterRole", Namespaced: false));
        server.Resources.Add(new FakeResourceDefinition("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "clusterrolebinding", "ClusterRoleBinding", Namespaced: false));
        server.Resources.Add(new FakeResourceDefinition("monitoring.coreos.com", "v1", "servicemonitors", "servicemonitor", "ServiceMonitor"));
        server.Resources.Add(new FakeResourceDefinition("monitoring.coreos.com", "v1", "podmonitors", "podmonitor", "PodMonitor"));
        server.Resources.Add(new FakeResourceDefinition("monitoring.coreos.com", "v1", "prometheusrules", "prometheusrule", "PrometheusRule"));
        var kubeconfig = server.WriteKubeconfig(dir.Combine("kubeconfig"), Namespace);

        var crds = await KubectlAsync(kubeconfig, dir, "apply", "--server-side", "--field-manager=helm", "-f", Path.Combine(RepositoryLayout.Chart, "crds"));
        var apply = await KubectlAsync(kubeconfig, dir, "apply", "--server-side", "--field-manager=helm", "-f", dir.WriteFile("rendered.yaml", chart.Text));
        var names = await KubectlAsync(
            kubeconfig, dir, "get", "-n", Namespace, "-o", "name",
            "deployments,serviceaccounts,services,roles,rolebindings,servicemonitors,podmonitors,prometheusrules,clusterroles,clusterrolebindings,syncgroups");

        Assert.True(crds.ExitCode == 0, crds.Output);
        Assert.True(apply.ExitCode == 0, apply.Output);
        Assert.True(names.ExitCode == 0, names.Output);
        var stored = names.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "clusterrole.rbac.authorization.k8s.io/kubesync",
                "clusterrolebinding.rbac.authorization.k8s.io/kubesync",
                "deployment.apps/kubesync",
                "podmonitor.monitoring.coreos.com/kubesync-sidecars",
                "prometheusrule.monitoring.coreos.com/kubesync",
                "role.rbac.authorization.k8s.io/kubesync-leader-election",
                "rolebinding.rbac.authorization.k8s.io/kubesync-leader-election",
                "service/kubesync",
                "serviceaccount/kubesync",
                "servicemonitor.monitoring.coreos.com/kubesync",
            ],
            stored);
        Assert.Equal(chart.Objects.Count, stored.Count);
    }

    [RenderFact(needsKubectl: true)]
    public async Task KubectlApply_ChartCrdThenExamples_SyncGroupsServedByShortName()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake API server");
        var kubeconfig = server.WriteKubeconfig(dir.Combine("kubeconfig"), "default");
        var examples = Directory.GetFiles(RepositoryLayout.Combine("examples"), "syncgroup.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal).ToList();

        var crds = await KubectlAsync(kubeconfig, dir, "apply", "--server-side", "-f", Path.Combine(RepositoryLayout.Chart, "crds"));
        Assert.True(crds.ExitCode == 0, crds.Output);
        foreach (var example in examples)
        {
            var apply = await KubectlAsync(kubeconfig, dir, "apply", "--server-side", "-f", example);
            Assert.True(apply.ExitCode == 0, $"{example}: {apply.Output}");
        }

        var listed = await KubectlAsync(kubeconfig, dir, "get", "sg", "-o", "name");
        Assert.True(listed.ExitCode == 0, listed.Output);
        Assert.NotEmpty(examples);
        Assert.Equal(examples.Count, listed.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
        Assert.Contains("syncgroup.kubesync.io/web-conf", listed.Stdout, StringComparison.Ordinal);
    }

    private static Task<ToolResult> KubectlAsync(string kubeconfig, TempDirectory dir, params string[] args) =>
        ExternalTool.RunAsync(
            ExternalTool.Find("kubectl")!,
            [$"--kubeconfig={kubeconfig}", $"--cache-dir={dir.Combine("cache")}", .. args],
            environment: new Dictionary<string, string> { ["HOME"] = dir.Path, ["KUBECONFIG"] = kubeconfig },
            timeout: TimeSpan.FromSeconds(60));
}
