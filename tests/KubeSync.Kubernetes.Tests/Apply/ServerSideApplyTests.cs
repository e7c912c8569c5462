using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.Apply;

public sealed class ServerSideApplyTests
{
    private static readonly ApplyOptions Operator = new("kubesync-operator");

    private static Deployment UserDeployment() => new()
    {
        Metadata = new ObjectMeta { Name = "web" },
        Spec = new WorkloadSpec
        {
            Replicas = 2,
            Template = new PodTemplateSpec
            {
                Spec = new PodSpec { Containers = [new Container { Name = "app", Image = "nginx:1" }] },
            },
        },
    };

    /// <summary>What the operator applies: just its sidecar and volume, nothing of the user's.</summary>
    private static Deployment Pieces(bool withSidecar, params string[] env)
    {
        var sidecar = new Container
        {
            Name = "kubesync",
            Image = "kubesync:1",
            Env = [.. env.Select(e => new EnvVar { Name = e, Value = "1" })],
            VolumeMounts = [new VolumeMount { Name = "kubesync-state", MountPath = "/state" }],
            Resources = JsonNode.Parse("""{"limits":{"memory":"128Mi"}}""")!.AsObject(),
            ReadinessProbe = JsonNode.Parse("""{"httpGet":{"path":"/healthz","port":8080}}""")!.AsObject(),
        };
        return new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new WorkloadSpec
            {
                Template = new PodTemplateSpec
                {
                    Spec = new PodSpec
                    {
                        Containers = withSidecar ? [sidecar] : null,
                        Volumes = [new Volume { Name = "kubesync-state", AdditionalProperties = new() { ["emptyDir"] = JsonDocument.Parse("{}").RootElement } }],
                    },
                },
            },
        };
    }

    [Fact]
    public async Task Apply_NewThenChanged_CreatedThenUpdated()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var map = new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new() { ["a"] = "1" } };

        var first = await maps.ApplyAsync(map, Operator, CancellationToken.None).WithTimeout("first apply");
        map.Data["a"] = "2";
        var second = await maps.ApplyAsync(map, Operator, CancellationToken.None).WithTimeout("second apply");

        Assert.True(first.Created);
        Assert.False(second.Created);
        Assert.Equal(first.Applied.Metadata.Uid, second.Applied.Metadata.Uid);
        Assert.Equal("2", second.Applied.Data!["a"]);
        var entry = Assert.Single(second.Applied.Metadata.ManagedFields!);
        Assert.Equal("kubesync-operator", entry!["manager"]!.GetValue<string>());
        Assert.Equal("Apply", entry["operation"]!.GetValue<string>());
    }

    [Fact]
    public async Task Apply_PiecesIntoUserDeployment_MergesListMapsByName()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(UserDeployment(), "user", CancellationToken.None).WithTimeout("create");

        var applied = (await deployments.ApplyAsync(Pieces(true, "A", "B"), Operator, CancellationToken.None).WithTimeout("apply")).Applied;

        var pod = applied.Spec!.Template!.Spec!;
        Assert.Equal(["app", "kubesync"], pod.Containers!.Select(c => c.Name));
        Assert.Equal("nginx:1", pod.Containers![0].Image);
        Assert.Equal(["A", "B"], pod.Containers[1].Env!.Select(e => e.Name));
        Assert.Equal("128Mi", pod.Containers[1].Resources!["limits"]!["memory"]!.GetValue<string>());
        Assert.Equal("/healthz", pod.Containers[1].ReadinessProbe!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(2, applied.Spec.Replicas);
        Assert.Equal(2, applied.Metadata.Generation);
        var fields = applied.Metadata.ManagedFields!.Single(m => m!["manager"]!.GetValue<string>() == "kubesync-operator")!["fieldsV1"]!.ToJsonString();
        Assert.Contains("k:{\\u0022name\\u0022:\\u0022kubesync\\u0022}", fields, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_ManagerStopsApplyingItems_TheyAreRemovedButOthersStay()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(UserDeployment(), "user", CancellationToken.None).WithTimeout("create");
        await deployments.ApplyAsync(Pieces(true, "A", "B"), Operator, CancellationToken.None).WithTimeout("apply");

        var lessEnv = (await deployments.ApplyAsync(Pieces(true, "A"), Operator, CancellationToken.None).WithTimeout("drop env B")).Applied;
        var noSidecar = (await deployments.ApplyAsync(Pieces(false), Operator, CancellationToken.None).WithTimeout("drop sidecar")).Applied;

        Assert.Equal(["A"], lessEnv.Spec!.Template!.Spec!.Containers![1].Env!.Select(e => e.Name));
        Assert.Equal(["app"], noSidecar.Spec!.Template!.Spec!.Containers!.Select(c => c.Name));
        Assert.Equal(["kubesync-state"], noSidecar.Spec.Template.Spec.Volumes!.Select(v => v.Name));
    }

    [Fact]
    public async Task Apply_DroppedMapKey_RemovedUnlessAnotherManagerOwnsIt()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new() { ["user"] = "1" } }, "user", CancellationToken.None).WithTimeout("create");
        await maps.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new() { ["a"] = "1", ["b"] = "2", ["user"] = "1" } }, Operator, CancellationToken.None).WithTimeout("apply a b");

        var after = (await maps.ApplyAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "cfg" }, Data = new() { ["a"] = "1" } }, Operator, CancellationToken.None).WithTimeout("apply a")).Applied;

        Assert.Equal(new Dictionary<string, string> { ["a"] = "1", ["user"] = "1" }, after.Data);
    }

    [Fact]
    public async Task Apply_FieldOfAnotherManager_ConflictUnlessForced()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(UserDeployment(), "user", CancellationToken.None).WithTimeout("create");
        var takeover = UserDeployment();
        takeover.Spec!.Replicas = null;
        takeover.Spec.Template!.Spec!.Containers![0].Image = "nginx:2";

        var error = await Assert.ThrowsAsync<KubeConflictException>(() => deployments.ApplyAsync(takeover, Operator, CancellationToken.None)).WithTimeout("apply");
        var forced = (await deployments.ApplyAsync(takeover, Operator with { Force = true }, CancellationToken.None).WithTimeout("forced apply")).Applied;

        var cause = Assert.Single(error.Status!.Details!.Causes!);
        Assert.Equal(".spec.template.spec.containers[name=\"app\"].image", cause.Field);
        Assert.Contains("\"user\"", cause.Message, StringComparison.Ordinal);
        Assert.Equal("nginx:2", forced.Spec!.Template!.Spec!.Containers![0].Image);
    }

    [Fact]
    public async Task Apply_SameValueAsAnotherManager_SharedWithoutConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        await deployments.CreateAsync(UserDeployment(), "user", CancellationToken.None).WithTimeout("create");
        var same = UserDeployment();
        same.Spec!.Replicas = null;

        var result = await deployments.ApplyAsync(same, Operator, CancellationToken.None).WithTimeout("apply");

        Assert.Equal(2, result.Applied.Metadata.ManagedFields!.Count);
        Assert.Equal(1, result.Applied.Metadata.Generation);
    }

    [Fact]
    public async Task ApplyStatus_StatusSubresource_LeavesSpecAndGenerationAlone()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        var created = await deployments.CreateAsync(UserDeployment(), CancellationToken.None).WithTimeout("create");
        var report = new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new WorkloadSpec { Replicas = 9 },
            Status = new() { ["readyReplicas"] = 2 },
        };

        var applied = (await deployments.ApplyStatusAsync(report, Operator, CancellationToken.None).WithTimeout("apply status")).Applied;

        Assert.Equal(2, applied.Status!["readyReplicas"]!.GetValue<int>());
        Assert.Equal(2, applied.Spec!.Replicas);
        Assert.Equal(created.Metadata.Generation, applied.Metadata.Generation);
    }
}
