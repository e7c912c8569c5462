using KubeSync.Kubernetes.Exec;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

using Microsoft.Extensions.DependencyInjection;

namespace KubeSync.Kubernetes.Tests;

public sealed class KubernetesServiceCollectionExtensionsTests
{
    [Fact]
    public async Task AddKubernetesClient_GivenConfig_ResolvesWorkingSingletons()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var services = new ServiceCollection().AddKubernetesClient(_ => FakeCluster.ConfigFor(cluster.Server));
        await using var provider = services.BuildServiceProvider();

        var client = provider.GetRequiredService<KubeApiClient>();
        var list = await client.Resource(KubeResources.Pods).ListAsync(null, null, CancellationToken.None).WithTimeout("list");

        Assert.Same(client, provider.GetRequiredService<KubeApiClient>());
        Assert.NotNull(provider.GetRequiredService<PodExecClient>());
        Assert.Empty(list.Items);
    }
}
