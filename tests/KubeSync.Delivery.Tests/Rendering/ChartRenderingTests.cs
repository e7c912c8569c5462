using System.Text.Json.Nodes;

using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>The chart rendered with its defaults and with the values a user changes: what objects come out, and how.</summary>
public sealed class ChartRenderingTests
{
    private const string MonitoringOn = """
        monitoring:
          serviceMonitor: {enabled: true, interval: 30s, labels: {release: prom}}
          podMonitor: {enabled: true}
          prometheusRule: {enabled: true}
        """;

    private static readonly string[] MonitoringApi = ["monitoring.coreos.com/v1"];

    [RenderFact]
    public async Task Render_Defaults_OperatorObjectsOnly()
    {
        var chart = await ChartRenderer.RenderAsync();

        Assert.Equal(
            ["ClusterRole", "ClusterRoleBinding", "Deployment", "Role", "RoleBinding", "Service", "ServiceAccount"],
            chart.Kinds.Order(StringComparer.Ordinal));
        Assert.All(chart.Objects, o => Assert.Equal("kubesync", (string?)o["metadata"]!["labels"]!["app.kubernetes.io/part-of"]));
        Assert.All(
            chart.Objects.Where(o => (string?)o["kind"] is not ("ClusterRole" or "ClusterRoleBinding")),
            o => Assert.Equal("kubesync-system", (string?)o["metadata"]!["namespace"]));
    }

    [RenderFact]
    public async Task Render_Deployment_NonRootReadOnlyAndProbed()
    {
        var deployment = (await ChartRenderer.RenderAsync()).Single("Deployment");
        var pod = deployment["spec"]!["template"]!["spec"]!;
        var container = Assert.Single(pod["containers"]!.AsArray())!;
        var security = container["securityContext"]!;

        Assert.True((bool?)pod["securityContext"]!["runAsNonRoot"]);
        Assert.NotEqual(0, (long?)pod["securityContext"]!["runAsUser"]);
        Assert.Equal("RuntimeDefault", (string?)pod["securityContext"]!["seccompProfile"]!["type"]);
        Assert.True((bool?)security["readOnlyRootFilesystem"]);
        Assert.False((bool?)security["allowPrivilegeEscalation"]);
        Assert.Equal(["ALL"], security["capabilities"]!["drop"]!.AsArray().Select(c => (string)c!));
        Assert.Equal("RuntimeDefault", (string?)security["seccompProfile"]!["type"]);
        Assert.Equal("/healthz", (string?)container["livenessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("/readyz", (string?)container["readinessProbe"]!["httpGet"]!["path"]);
        Assert.Equal("admin", (string?)container["livenessProbe"]!["httpGet"]!["port"]);
        Assert.Equal(8080, (long?)container["ports"]![0]!["containerPort"]);
        Assert.NotNull(container["resources"]!["requests"]!["memory"]);
        Assert.NotNull(container["resources"]!["limits"]!["memory"]);
        Assert.Equal("kubesync/operator:0.1.0", (string?)container["image"]);
        // The read-only root needs a writable /tmp (.NET's own files).
        Assert.Contains(container["volumeMounts"]!.AsArray(), m => (string?)m!["mountPath"] == "/tmp");
    }

    [RenderFact]
    public async Task Render_OperatorEnv_CarriesSidecarImageAndSettings()
    {
        var chart = await ChartRenderer.RenderAsync("""
            sidecar:
              image: {repository: registry.example/kubesync/sidecar, tag: "1.2.3"}
            leaderElection: {leaseName: ks-leader}
            workers: 4
            clusterDomain: corp.internal
            admin: {port: 9100}
            """);
        var env = Env(chart);

        Assert.Equal("registry.example/kubesync/sidecar:1.2.3", env["KUBESYNC_SIDECAR_IMAGE"]);
        Assert.Equal("ks-leader", env["KUBESYNC_LEASE_NAME"]);
        Assert.Equal("4", env["KUBESYNC_WORKERS"]);
        Assert.Equal("corp.internal", env["KUBESYNC_CLUSTER_DOMAIN"]);
        Assert.Equal("http://0.0.0.0:9100", env["KUBESYNC_HTTP_ADDRESS"]);
        Assert.DoesNotContain("KUBESYNC_WATCH_NAMESPACE", env.Keys);
        Assert.Contains("POD_NAME", env.Keys);
        Assert.Contains("POD_NAMESPACE", env.Keys);
    }

    [RenderFact]
    public async Task Render_WatchNamespace_PassedWhenSet()
    {
        var env = Env(await ChartRenderer.RenderAsync("watchNamespace: shop"));

        Assert.Equal("shop", env["KUBESYNC_WATCH_NAMESPACE"]);
    }

    [RenderFact]
    public async Task Render_ImageDigest_WinsOverTag()
    {
        const string digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
        var chart = await ChartRenderer.RenderAsync($"image: {{tag: \"9.9.9\", digest: {digest}}}\nsidecar: {{image: {{digest: {digest}}}}}");

        Assert.Equal($"kubesync/operator@{digest}", (string?)chart.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal($"kubesync/sidecar@{digest}", Env(chart)["KUBESYNC_SIDECAR_IMAGE"]);
    }

    [RenderFact]
    public async Task Render_ServiceAccountNotCreatedWithoutName_FailsNamingTheValue()
    {
        var result = await ChartRenderer.TryRenderAsync("serviceAccount: {create: false}");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("serviceAccount.name is required", result.Stderr, StringComparison.Ordinal);
    }

    [RenderFact]
    public async Task Render_ExistingServiceAccount_BoundButNotCreated()
    {
        var chart = await ChartRenderer.RenderAsync("serviceAccount: {create: false, name: platform-sync}");

        Assert.DoesNotContain("ServiceAccount", chart.Kinds);
        Assert.Equal("platform-sync", (string?)chart.Single("ClusterRoleBinding")["subjects"]![0]!["name"]);
        Assert.Equal("platform-sync", (string?)chart.Single("Deployment")["spec"]!["template"]!["spec"]!["serviceAccountName"]);
    }

    [RenderFact]
    public async Task Render_MonitoringSwitchesOn_RenderedOnlyWhereTheApiExists()
    {
        var without = await ChartRenderer.RenderAsync(MonitoringOn);
        var with = await ChartRenderer.RenderAsync(MonitoringOn, MonitoringApi);
        var switchedOff = await ChartRenderer.RenderAsync(null, MonitoringApi);

        string[] monitoring = ["PodMonitor", "PrometheusRule", "ServiceMonitor"];
        Assert.Empty(without.Kinds.Intersect(monitoring));
        Assert.Empty(switchedOff.Kinds.Intersect(monitoring));
        Assert.Equal(monitoring, with.Kinds.Intersect(monitoring).Order(StringComparer.Ordinal));
        Assert.Equal("prom", (string?)with.Single("ServiceMonitor")["metadata"]!["labels"]!["release"]);
        Assert.Equal("30s", (string?)with.Single("ServiceMonitor")["spec"]!["endpoints"]![0]!["interval"]);
        Assert.Equal("kubesync-admin", (string?)with.Single("PodMonitor")["spec"]!["podMetricsEndpoints"]![0]!["port"]);
        Assert.True((bool?)with.Single("PodMonitor")["spec"]!["namespaceSelector"]!["any"]);
        // The operator labels member pods with kubesync.io/group (SyncGroupLabels.Group).
        Assert.Equal("kubesync.io/group", (string?)with.Single("PodMonitor")["spec"]!["selector"]!["matchExpressions"]![0]!["key"]);
    }

    [RenderFact]
    public async Task Render_PrometheusRule_IsTheAlertsFileUnchanged()
    {
        var rule = (await ChartRenderer.RenderAsync(MonitoringOn, MonitoringApi)).Single("PrometheusRule");
        var alerts = YamlDocuments.ParseFile(Path.Combine(RepositoryLayout.Chart, "files", "alerts.yaml"));

        Assert.True(JsonNode.DeepEquals(alerts["groups"], rule["spec"]!["groups"]), rule.ToJsonString());
    }

    private static Dictionary<string, string?> Env(RenderedChart chart) =>
        chart.Single("Deployment")["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
            .ToDictionary(e => (string)e!["name"]!, e => (string?)e!["value"], StringComparer.Ordinal);
}
