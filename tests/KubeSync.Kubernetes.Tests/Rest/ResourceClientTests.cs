using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.Rest;

public sealed class ResourceClientTests
{
    private static ConfigMap Map(string name, string value) => new()
    {
        Metadata = new ObjectMeta { Name = name, Labels = new() { ["app"] = "demo" } },
        Data = new() { ["key"] = value },
    };

    [Fact]
    public async Task CreateThenGet_ConfigMap_ServerFillsIdentityAndVersion()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);

        var created = await maps.CreateAsync(Map("one", "v1"), CancellationToken.None).WithTimeout("create");
        var read = await maps.GetAsync("default", "one", CancellationToken.None).WithTimeout("get");

        Assert.Equal("ConfigMap", read.Kind);
        Assert.Equal("default", read.Metadata.Namespace);
        Assert.False(string.IsNullOrEmpty(read.Metadata.Uid));
        Assert.Equal(created.Metadata.ResourceVersion, read.Metadata.ResourceVersion);
        Assert.NotNull(read.Metadata.CreationTimestamp);
        Assert.Equal("v1", read.Data!["key"]);
        Assert.Equal("kubesync", read.Metadata.ManagedFields![0]!["manager"]!.GetValue<string>());
    }

    [Fact]
    public async Task Create_NameTaken_ThrowsAlreadyExists()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(Map("one", "a"), CancellationToken.None).WithTimeout("create");

        var error = await Assert.ThrowsAsync<KubeAlreadyExistsException>(() => maps.CreateAsync(Map("one", "b"), CancellationToken.None)).WithTimeout("second create");

        Assert.Equal("AlreadyExists", error.Reason);
        Assert.Equal(409, error.Status!.Code);
    }

    [Fact]
    public async Task Get_Missing_ThrowsNotFoundAndFindReturnsNull()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);

        var error = await Assert.ThrowsAsync<KubeNotFoundException>(() => maps.GetAsync(null, "nope", CancellationToken.None)).WithTimeout("get");
        var found = await maps.FindAsync(null, "nope", CancellationToken.None).WithTimeout("find");

        Assert.Equal("NotFound", error.Reason);
        Assert.Contains("\"nope\" not found", error.Message, StringComparison.Ordinal);
        Assert.Null(found);
    }

    [Fact]
    public async Task Find_ResourceNotServed_ThrowsInsteadOfNull()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var unserved = cluster.Client.Resource(KubeResources.Generic(new ResourceKind("example.com", "v1", "widgets", "Widget")));

        await Assert.ThrowsAsync<KubeNotFoundException>(() => unserved.FindAsync(null, "w", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
        await Assert.ThrowsAsync<KubeNotFoundException>(() => unserved.DeleteAsync(null, "w", CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task Replace_StaleResourceVersion_ThrowsConflict()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var stale = await maps.CreateAsync(Map("one", "a"), CancellationToken.None).WithTimeout("create");
        var fresh = await maps.GetAsync(null, "one", CancellationToken.None).WithTimeout("get");
        fresh.Data!["key"] = "b";
        await maps.ReplaceAsync(fresh, CancellationToken.None).WithTimeout("replace");

        stale.Data!["key"] = "c";
        var error = await Assert.ThrowsAsync<KubeConflictException>(() => maps.ReplaceAsync(stale, CancellationToken.None)).WithTimeout("stale replace");

        Assert.Equal("Conflict", error.Reason);
        Assert.Equal("b", (await maps.GetAsync(null, "one", CancellationToken.None).WithTimeout("get")).Data!["key"]);
    }

    [Fact]
    public async Task Replace_SpecVersusMetadataChange_GenerationBumpsOnSpecOnly()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        var created = await deployments.CreateAsync(new Deployment
        {
            Metadata = new ObjectMeta { Name = "web" },
            Spec = new WorkloadSpec { Replicas = 1 },
        }, CancellationToken.None).WithTimeout("create");

        created.Metadata.Labels = new() { ["tier"] = "front" };
        var relabelled = await deployments.ReplaceAsync(created, CancellationToken.None).WithTimeout("relabel");
        relabelled.Spec!.Replicas = 3;
        var scaled = await deployments.ReplaceAsync(relabelled, CancellationToken.None).WithTimeout("scale");

        Assert.Equal(1, created.Metadata.Generation);
        Assert.Equal(1, relabelled.Metadata.Generation);
        Assert.Equal(2, scaled.Metadata.Generation);
        Assert.NotEqual(relabelled.Metadata.ResourceVersion, scaled.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task ListAll_SmallPages_FollowsContinueTokens()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        for (var i = 0; i < 7; i++)
        {
            await maps.CreateAsync(Map($"m{i}", "x"), CancellationToken.None).WithTimeout("create");
        }

        var firstPage = await maps.ListAsync("default", new ListOptions { Limit = 3 }, CancellationToken.None).WithTimeout("page");
        var all = await maps.ListAllAsync("default", new ListOptions { Limit = 3 }, CancellationToken.None).WithTimeout("list all");

        Assert.Equal(3, firstPage.Items.Count);
        Assert.Equal(4, firstPage.Metadata.RemainingItemCount);
        Assert.False(string.IsNullOrEmpty(firstPage.Metadata.Continue));
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"m{i}"), all.Items.Select(m => m.Metadata.Name));
        Assert.Equal(3, cluster.Server.Requests.Count(r => r.StartsWith("GET /api/v1/namespaces/default/configmaps?limit=3", StringComparison.Ordinal)) - 1);
    }

    [Fact]
    public async Task List_LabelSelector_FiltersAcrossNamespaces()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(Map("a", "x"), CancellationToken.None).WithTimeout("create a");
        var other = Map("b", "x");
        other.Metadata.Namespace = "other";
        await maps.CreateAsync(other, CancellationToken.None).WithTimeout("create b");
        var unlabelled = Map("c", "x");
        unlabelled.Metadata.Labels = null;
        await maps.CreateAsync(unlabelled, CancellationToken.None).WithTimeout("create c");

        var list = await maps.ListAsync(null, new ListOptions { LabelSelector = "app=demo" }, CancellationToken.None).WithTimeout("list");

        Assert.Equal(["a", "b"], list.Items.Select(m => m.Metadata.Name).Order());
    }

    [Fact]
    public async Task Delete_ExistingThenMissing_TrueThenFalse()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(Map("one", "a"), CancellationToken.None).WithTimeout("create");

        Assert.True(await maps.DeleteAsync(null, "one", CancellationToken.None).WithTimeout("delete"));
        Assert.False(await maps.DeleteAsync(null, "one", CancellationToken.None).WithTimeout("delete again"));
    }

    [Fact]
    public async Task Delete_UidPreconditionOfAnOlderObject_ThrowsConflictAndKeepsIt()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        var old = await maps.CreateAsync(Map("one", "a"), CancellationToken.None).WithTimeout("create");
        await maps.DeleteAsync(null, "one", CancellationToken.None).WithTimeout("delete");
        var current = await maps.CreateAsync(Map("one", "b"), CancellationToken.None).WithTimeout("recreate");

        var stale = new DeleteOptions { PreconditionUid = old.Metadata.Uid, PropagationPolicy = "Background" };
        await Assert.ThrowsAsync<KubeConflictException>(() => maps.DeleteAsync(null, "one", stale, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
        var deleted = await maps.DeleteAsync(null, "one", stale with { PreconditionUid = current.Metadata.Uid }, CancellationToken.None).WithTimeout("delete current");

        Assert.True(deleted);
        Assert.Null(await maps.FindAsync(null, "one", CancellationToken.None).WithTimeout("find"));
    }

    [Fact]
    public async Task Delete_WithFinalizer_MarksThenRemovesWhenFinalizerCleared()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var groups = cluster.Client.Resource(KubeResources.SyncGroups);
        var group = new KubeObject { Metadata = new ObjectMeta { Name = "g", Finalizers = ["kubesync.io/cleanup"] } };
        await groups.CreateAsync(group, CancellationToken.None).WithTimeout("create");

        await groups.DeleteAsync(null, "g", CancellationToken.None).WithTimeout("delete");
        var marked = await groups.GetAsync(null, "g", CancellationToken.None).WithTimeout("get");
        marked.Metadata.Finalizers = [];
        await groups.ReplaceAsync(marked, CancellationToken.None).WithTimeout("clear finalizer");

        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Null(await groups.FindAsync(null, "g", CancellationToken.None).WithTimeout("find"));
    }

    [Fact]
    public async Task Get_WrongToken_ThrowsUnauthorized()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = new KubeApiClient(FakeCluster.ConfigFor(cluster.Server, token: "wrong"));

        await Assert.ThrowsAsync<KubeUnauthorizedException>(() => client.Resource(KubeResources.Pods).GetAsync(null, "p", CancellationToken.None)).WithTimeout("get");
    }

    [Fact]
    public async Task Get_ServerCaNotTrusted_FailsTls()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var config = new Kubernetes.Config.KubeClientConfig { Server = cluster.Server.BaseAddress, Token = cluster.Server.Token };
        using var client = new KubeApiClient(config);

        await Assert.ThrowsAsync<HttpRequestException>(() => client.Resource(KubeResources.Pods).GetAsync(null, "p", CancellationToken.None)).WithTimeout("get");
    }

    [Fact]
    public async Task Secret_BinaryData_RoundTripsAsBase64()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var secrets = cluster.Client.Resource(KubeResources.Secrets);
        byte[] key = [0, 1, 2, 255];

        await secrets.CreateAsync(new Secret { Metadata = new ObjectMeta { Name = "tls" }, Data = new() { ["key"] = key } }, CancellationToken.None).WithTimeout("create");
        var read = await secrets.GetAsync(null, "tls", CancellationToken.None).WithTimeout("get");
        var raw = cluster.Server.Store.Find(Testing.FakeApi.FakeResourceRegistry.BuiltIns.First(d => d.Plural == "secrets"), "default", "tls")!;

        Assert.Equal(key, read.Data!["key"]);
        Assert.Equal("AAEC/w==", raw["data"]!["key"]!.GetValue<string>());
    }
}
