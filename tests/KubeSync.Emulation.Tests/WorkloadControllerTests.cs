using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The controllers against the fake API server, with containers whose images are not in the table (they pretend to
/// run, no process): names, labels, owners, rollouts, scaling, status and garbage collection as Kubernetes does them.
/// </summary>
[Collection(EmulatorTestGroup.Name)]
public sealed partial class WorkloadControllerTests(ITestOutputHelper output)
{
    private static readonly EmulatorOptions Pretend = new() { Network = NetworkMode.Loopback, Images = new ImageTable() };

    [Fact]
    public async Task Deployment_CreatesReplicaSetAndPods_NamedLabelledOwnedAndReady()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(Web(replicas: 2, image: "example/app:1"), CancellationToken.None);

        var pods = await WaitReadyPodsAsync(cluster, 2);
        var replicaSets = (await cluster.Client.Resource(EmulatedResources.ReplicaSets).ListAllAsync("default", null, CancellationToken.None)).Items;
        var rs = Assert.Single(replicaSets);
        var hash = rs.Metadata.Labels!["pod-template-hash"];
        Assert.Equal($"web-{hash}", rs.Metadata.Name);
        Assert.Equal("Deployment", rs.Metadata.OwnerReferences![0].Kind);
        Assert.Equal("1", rs.Metadata.Annotations!["deployment.kubernetes.io/revision"]);
        foreach (var pod in pods)
        {
            Assert.Matches(PodName(), pod.Metadata.Name!);
            Assert.StartsWith($"web-{hash}-", pod.Metadata.Name, StringComparison.Ordinal);
            Assert.Equal(hash, pod.Metadata.Labels!["pod-template-hash"]);
            Assert.Equal("web", pod.Metadata.Labels["app"]);
            var owner = Assert.Single(pod.Metadata.OwnerReferences!);
            Assert.Equal(("ReplicaSet", rs.Metadata.Uid, true), (owner.Kind, owner.Uid, owner.Controller));
            Assert.Equal("Running", pod.Status!["phase"]!.GetValue<string>());
            Assert.NotNull(pod.Status["podIP"]);
            Assert.Equal("emulated-node", pod.Spec!.AdditionalProperties!["nodeName"].GetString());
        }

        await cluster.EventuallyAsync(async () => Status(await Get(cluster)) is { } s && Int(s, "readyReplicas") == 2 && Int(s, "updatedReplicas") == 2 && Int(s, "observedGeneration") == 1, "deployment status: 2 ready, 2 updated");
    }

    [Fact]
    public async Task Deployment_TemplateChange_RollsToNewReplicaSetAndScalesOldToZero()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(Web(replicas: 2, image: "example/app:1"), CancellationToken.None);
        var before = await WaitReadyPodsAsync(cluster, 2);

        var patch = JsonNode.Parse("""{"spec":{"template":{"spec":{"containers":[{"name":"app","image":"example/app:2"}]}}}}""")!;
        await deployments.PatchAsync("default", "web", PatchType.Merge, patch, CancellationToken.None);

        await cluster.EventuallyAsync(async () =>
        {
            var pods = await ActivePodsAsync(cluster);
            return pods.Count == 2 && pods.All(p => p.Spec!.Containers![0].Image == "example/app:2" && PodReady(p)) && pods.All(p => before.All(b => b.Metadata.Uid != p.Metadata.Uid));
        }, "both pods replaced by pods of the new template");
        var replicaSets = (await cluster.Client.Resource(EmulatedResources.ReplicaSets).ListAllAsync("default", null, CancellationToken.None)).Items;
        Assert.Equal(2, replicaSets.Count);
        Assert.Equal([0, 2], replicaSets.Select(rs => rs.Spec!.Replicas ?? 0).Order());
        Assert.Contains(replicaSets, rs => rs.Metadata.Annotations!["deployment.kubernetes.io/revision"] == "2" && rs.Spec!.Replicas == 2);
        await cluster.EventuallyAsync(async () => Status(await Get(cluster)) is { } s && Int(s, "updatedReplicas") == 2 && Int(s, "replicas") == 2 && Int(s, "observedGeneration") == 2, "deployment status after the rollout");
    }

    [Fact]
    public async Task Deployment_ScaledAndDeleted_PodsFollowAndGarbageCollectorRemovesThem()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(Web(replicas: 1, image: "example/app:1"), CancellationToken.None);
        await WaitReadyPodsAsync(cluster, 1);

        await deployments.PatchAsync("default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!, CancellationToken.None);
        await WaitReadyPodsAsync(cluster, 3);
        await deployments.PatchAsync("default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":2}}""")!, CancellationToken.None);
        await WaitReadyPodsAsync(cluster, 2);

        await deployments.DeleteAsync("default", "web", CancellationToken.None);
        await cluster.EventuallyAsync(async () =>
            (await cluster.Client.Resource(KubeResources.Pods).ListAllAsync("default", null, CancellationToken.None)).Items.Count == 0
            && (await cluster.Client.Resource(EmulatedResources.ReplicaSets).ListAllAsync("default", null, CancellationToken.None)).Items.Count == 0,
            "the garbage collector removed the ReplicaSet and its pods");
        Assert.Empty(cluster.Emulator.Pods);
    }

    [Fact]
    public async Task Pod_Deleted_StaysTerminatingUntilStoppedAndIsReplaced()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(Web(replicas: 1, image: "example/app:1"), CancellationToken.None);
        var first = Assert.Single(await WaitReadyPodsAsync(cluster, 1));
        Assert.Contains("emulation.kubesync.io/kubelet", first.Metadata.Finalizers!);

        await cluster.Client.Resource(KubeResources.Pods).DeleteAsync("default", first.Metadata.Name!, CancellationToken.None);
        var replacement = Assert.Single(await WaitReadyPodsAsync(cluster, 1, exclude: first.Metadata.Uid));
        Assert.NotEqual(first.Metadata.Name, replacement.Metadata.Name);
        await cluster.EventuallyAsync(async () => await cluster.Client.Resource(KubeResources.Pods).FindAsync("default", first.Metadata.Name!, CancellationToken.None) is null, "the deleted pod is gone once the kubelet released it");
    }

    [Fact]
    public async Task StatefulSet_OrderedReady_CreatesPodsInOrderWithStableNamesAndClaims()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        await cluster.Client.Resource(KubeResources.StatefulSets).CreateAsync(Manifest.StatefulSet("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: default}
            spec:
              replicas: 3
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec:
                  containers: [{name: db, image: example/db:1}]
              volumeClaimTemplates:
                - metadata: {name: data}
                  spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
            """), CancellationToken.None);

        var pods = await WaitReadyPodsAsync(cluster, 3, label: "db");
        Assert.Equal(["db-0", "db-1", "db-2"], pods.Select(p => p.Metadata.Name).Order());
        foreach (var pod in pods)
        {
            Assert.Equal(pod.Metadata.Name, pod.Spec!.AdditionalProperties!["hostname"].GetString());
            Assert.Equal("db", pod.Spec.AdditionalProperties["subdomain"].GetString());
            Assert.Equal(pod.Metadata.Name, pod.Metadata.Labels!["statefulset.kubernetes.io/pod-name"]);
            Assert.Contains(pod.Spec.Volumes!, v => v.Name == "data" && v.AdditionalProperties!["persistentVolumeClaim"].GetProperty("claimName").GetString() == $"data-{pod.Metadata.Name}");
        }

        // OrderedReady: each pod was created only after the one before it was ready, so creation order is ordinal order.
        var journal = cluster.Emulator.Describe();
        var created = new[] { "db-0", "db-1", "db-2" }.Select(n => journal.IndexOf($"created pod default/{n}", StringComparison.Ordinal)).ToList();
        Assert.All(created, i => Assert.True(i >= 0));
        Assert.Equal(created.Order(), created);
        await cluster.EventuallyAsync(async () => (await cluster.Client.Resource(KubeResources.StatefulSets).GetAsync("default", "db", CancellationToken.None)).Status is { } s && Int(s, "readyReplicas") == 3, "statefulset status: 3 ready");
    }

    [Fact]
    public async Task DaemonSet_RunsOnePodOnTheNode()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Pretend);
        await cluster.Client.Resource(KubeResources.DaemonSets).CreateAsync(Manifest.DaemonSet("""
            apiVersion: apps/v1
            kind: DaemonSet
            metadata: {name: agent, namespace: default}
            spec:
              selector: {matchLabels: {app: agent}}
              template:
                metadata: {labels: {app: agent}}
                spec:
                  containers: [{name: agent, image: example/agent:1}]
            """), CancellationToken.None);
        var pod = Assert.Single(await WaitReadyPodsAsync(cluster, 1, label: "agent"));
        Assert.StartsWith("agent-", pod.Metadata.Name, StringComparison.Ordinal);
        await cluster.EventuallyAsync(async () => (await cluster.Client.Resource(KubeResources.DaemonSets).GetAsync("default", "agent", CancellationToken.None)).Status is { } s && Int(s, "numberReady") == 1, "daemonset status: 1 ready");
    }

    internal static Deployment Web(int replicas, string image) => Manifest.Deployment($$$"""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: default}
        spec:
          replicas: {{{replicas}}}
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers: [{name: app, image: "{{{image}}}"}]
        """);

    private static async Task<List<Pod>> ActivePodsAsync(EmulatedCluster cluster, string label = "web") =>
        [.. (await cluster.Client.Resource(KubeResources.Pods).ListAllAsync("default", new ListOptions { LabelSelector = $"app={label}" }, CancellationToken.None)).Items
            .Where(p => p.Metadata.DeletionTimestamp is null)];

    private static async Task<List<Pod>> WaitReadyPodsAsync(EmulatedCluster cluster, int count, string label = "web", string? exclude = null)
    {
        List<Pod> pods = [];
        await cluster.EventuallyAsync(async () =>
        {
            pods = [.. (await ActivePodsAsync(cluster, label)).Where(p => p.Metadata.Uid != exclude)];
            return pods.Count == count && pods.All(PodReady);
        }, $"{count} ready pods app={label}");
        return pods;
    }

    private static bool PodReady(Pod pod) =>
        (pod.Status?["conditions"] as JsonArray)?.Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    private static async Task<Deployment> Get(EmulatedCluster cluster) => await cluster.Client.Resource(KubeResources.Deployments).GetAsync("default", "web", CancellationToken.None);

    private static JsonObject? Status(Deployment deployment) => deployment.Status;

    private static long Int(JsonObject status, string field) => status[field]?.GetValue<long>() ?? 0;

    [GeneratedRegex("^web-[bcdfghjklmnpqrstvwxz2456789]+-[bcdfghjklmnpqrstvwxz2456789]{5}$")]
    private static partial Regex PodName();
}
