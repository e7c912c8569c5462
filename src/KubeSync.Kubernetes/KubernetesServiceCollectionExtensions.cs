using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Exec;
using KubeSync.Kubernetes.Rest;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes;

public static class KubernetesServiceCollectionExtensions
{
    /// <summary>
    /// Registers one <see cref="KubeApiClient"/> and a <see cref="PodExecClient"/> for the process. Without
    /// <paramref name="config"/> the configuration is in-cluster when the pod has a service account, else the
    /// default kubeconfig. Uses the registered <see cref="TimeProvider"/> (the system clock if none).
    /// </summary>
    public static IServiceCollection AddKubernetesClient(this IServiceCollection services, Func<IServiceProvider, KubeClientConfig>? config = null)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new KubeApiClient(
            config?.Invoke(provider) ?? InClusterConfig.LoadOrKubeConfig(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILoggerFactory>()));
        services.TryAddSingleton(provider => new PodExecClient(
            provider.GetRequiredService<KubeApiClient>(),
            (provider.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance).CreateLogger<PodExecClient>()));
        return services;
    }
}
