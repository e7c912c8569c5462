using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.FakeServer;

/// <summary>The fake's own protocol details that the typed client does not reach.</summary>
public sealed class FakeKubeApiServerTests
{
    private static HttpClient RawClient(FakeCluster cluster) =>
        new(KubeHttpHandlerFactory.Create(FakeCluster.ConfigFor(cluster.Server), TimeProvider.System)) { BaseAddress = cluster.Server.BaseAddress };

    [Fact]
    public async Task Apply_YamlBody_ScalarsKeepTheirTypes()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var http = RawClient(cluster);
        const string yaml = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              annotations:
                build: "007"
            spec:
              replicas: 3
              paused: false
              template:
                spec:
                  containers:
                  - name: app
                    image: nginx
            """;
        using var content = new StringContent(yaml, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/apply-patch+yaml");

        using var response = await http.PatchAsync("/apis/apps/v1/namespaces/default/deployments/web?fieldManager=yaml-test", content).WithTimeout("apply");
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(201, (int)response.StatusCode);
        Assert.Equal(3, body["spec"]!["replicas"]!.GetValue<long>());
        Assert.False(body["spec"]!["paused"]!.GetValue<bool>());
        Assert.Equal("007", body["metadata"]!["annotations"]!["build"]!.GetValue<string>());
    }

    [Fact]
    public async Task Discovery_GroupsAndResources_ListTheServedKinds()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var http = RawClient(cluster);

        var groups = JsonNode.Parse(await http.GetStringAsync("/apis").WithTimeout("apis"))!;
        var core = JsonNode.Parse(await http.GetStringAsync("/api/v1").WithTimeout("api/v1"))!;
        var version = JsonNode.Parse(await http.GetStringAsync("/version").WithTimeout("version"))!;

        Assert.Contains("kubesync.io", groups["groups"]!.AsArray().Select(g => g!["name"]!.GetValue<string>()));
        Assert.Contains("pods/status", core["resources"]!.AsArray().Select(r => r!["name"]!.GetValue<string>()));
        Assert.Equal("1", version["major"]!.GetValue<string>());
    }

    [Fact]
    public async Task Client_OverTls_SpeaksHttp2SoKeepAlivePingsApply()
    {
        await using var cluster = await FakeCluster.StartAsync();

        await cluster.Client.Resource(KubeResources.Pods).ListAsync(null, null, CancellationToken.None).WithTimeout("list");

        Assert.EndsWith("HTTP/2", Assert.Single(cluster.Server.Requests), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CustomResourceDefinition_Created_ItsResourceIsServed()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var crds = cluster.Client.Resource(KubeResources.Generic(ResourceKind.CustomResourceDefinitions));
        var widgets = cluster.Client.Resource(KubeResources.Generic(new ResourceKind("example.com", "v1", "widgets", "Widget")));
        var crd = new KubeObject
        {
            Metadata = new ObjectMeta { Name = "widgets.example.com" },
            AdditionalProperties = new()
            {
                ["spec"] = JsonDocument.Parse("""
                    {"group":"example.com","scope":"Namespaced",
                     "names":{"plural":"widgets","singular":"widget","kind":"Widget","shortNames":["wd"]},
                     "versions":[{"name":"v1","served":true,"storage":true,"subresources":{"status":{}}}]}
                    """).RootElement,
            },
        };

        await Assert.ThrowsAsync<KubeNotFoundException>(() => widgets.ListAsync(null, null, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
        await crds.ApplyAsync(crd, new ApplyOptions("installer"), CancellationToken.None).WithTimeout("install CRD");
        var created = await widgets.CreateAsync(new KubeObject { Metadata = new ObjectMeta { Name = "w1" } }, CancellationToken.None).WithTimeout("create widget");

        Assert.Equal("Widget", created.Kind);
        Assert.Equal("example.com/v1", created.ApiVersion);
        Assert.NotNull(cluster.Server.Resources.Find("example.com", "v1", "widgets")!.ShortNames);
    }

    [Fact]
    public async Task Generic_SyncGroupWithStatus_ApplySpecThenStatus()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var groups = cluster.Client.Resource(KubeResources.SyncGroups);
        var spec = new KubeObject
        {
            Metadata = new ObjectMeta { Name = "site" },
            AdditionalProperties = new()
            {
                ["spec"] = JsonDocument.Parse("""{"volume":"data","mountPath":"/data"}""").RootElement,
                ["status"] = JsonDocument.Parse("""{"ignored":true}""").RootElement,
            },
        };
        var status = new KubeObject
        {
            Metadata = new ObjectMeta { Name = "site" },
            AdditionalProperties = new() { ["status"] = JsonDocument.Parse("""{"observedGeneration":1}""").RootElement },
        };

        var created = await groups.ApplyAsync(spec, new ApplyOptions("kubesync-operator"), CancellationToken.None).WithTimeout("apply");
        var reported = await groups.ApplyStatusAsync(status, new ApplyOptions("kubesync-operator"), CancellationToken.None).WithTimeout("apply status");

        Assert.Equal("SyncGroup", created.Applied.Kind);
        Assert.False(created.Applied.AdditionalProperties!.ContainsKey("status"));
        Assert.Equal("data", reported.Applied.AdditionalProperties!["spec"].GetProperty("volume").GetString());
        Assert.Equal(1, reported.Applied.AdditionalProperties["status"].GetProperty("observedGeneration").GetInt32());
        Assert.Equal(1, reported.Applied.Metadata.Generation);
    }
}
