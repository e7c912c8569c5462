using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.Apply;

public sealed class PatchTests
{
    [Fact]
    public async Task MergePatch_SetAndNullLabels_AddsAndRemoves()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m", Labels = new() { ["old"] = "x" } } }, CancellationToken.None).WithTimeout("create");

        var patched = await maps.PatchAsync(null, "m", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"old":null,"new":"y"}}}""")!, CancellationToken.None).WithTimeout("patch");

        Assert.Equal(new Dictionary<string, string> { ["new"] = "y" }, patched.Metadata.Labels);
    }

    [Fact]
    public async Task JsonPatch_ReplaceThenFailingTest_AppliesThenThrowsInvalid()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m" }, Data = new() { ["a"] = "1" } }, CancellationToken.None).WithTimeout("create");

        var patched = await maps.PatchAsync(null, "m", PatchType.Json, JsonNode.Parse("""[{"op":"replace","path":"/data/a","value":"2"},{"op":"add","path":"/data/b~1c","value":"3"}]""")!, CancellationToken.None).WithTimeout("patch");
        var failed = maps.PatchAsync(null, "m", PatchType.Json, JsonNode.Parse("""[{"op":"test","path":"/data/a","value":"1"},{"op":"remove","path":"/data/a"}]""")!, CancellationToken.None);

        Assert.Equal(new Dictionary<string, string> { ["a"] = "2", ["b/c"] = "3" }, patched.Data);
        await Assert.ThrowsAsync<KubeInvalidException>(() => failed).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal("2", (await maps.GetAsync(null, "m", CancellationToken.None).WithTimeout("get")).Data!["a"]);
    }

    [Fact]
    public async Task MergePatch_StaleResourceVersionInPatch_ThrowsConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m" } }, CancellationToken.None).WithTimeout("create");

        var patch = JsonNode.Parse("""{"metadata":{"resourceVersion":"1"},"data":{"a":"1"}}""")!;

        await Assert.ThrowsAsync<KubeConflictException>(() => maps.PatchAsync(null, "m", PatchType.Merge, patch, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task ReplaceStatus_ThenReplaceMain_EachKeepsTheOtherPart()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        var created = await deployments.CreateAsync(new Deployment { Metadata = new ObjectMeta { Name = "d" }, Spec = new WorkloadSpec { Replicas = 1 } }, CancellationToken.None).WithTimeout("create");

        created.Status = new JsonObject { ["replicas"] = 1 };
        created.Spec!.Replicas = 5;
        var afterStatus = await deployments.ReplaceStatusAsync(created, CancellationToken.None).WithTimeout("status");
        afterStatus.Status = null;
        afterStatus.Spec!.Replicas = 3;
        var afterMain = await deployments.ReplaceAsync(afterStatus, CancellationToken.None).WithTimeout("main");

        Assert.Equal(1, afterStatus.Metadata.Generation);
        Assert.Equal(1, afterMain.Status!["replicas"]!.GetValue<int>());
        Assert.Equal(3, afterMain.Spec!.Replicas);
        Assert.Equal(2, afterMain.Metadata.Generation);
    }
}
