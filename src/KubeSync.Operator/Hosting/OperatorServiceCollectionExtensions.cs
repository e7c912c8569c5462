using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes;
using KubeSync.Kubernetes.Events;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Members;
using KubeSync.Operator.Reconciling;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Hosting;

public static class OperatorServiceCollectionExtensions
{
    /// <summary>
    /// Registers the operator: the Kubernetes client (in-cluster, else kubeconfig, unless one is registered), the member
    /// status reader over HTTP (unless one is registered), the reconciler, the controller, the leader-elected runner and
    /// the hosted service that runs it.
    /// </summary>
    public static IServiceCollection AddKubeSyncOperator(this IServiceCollection services, OperatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddKubernetesClient();
        services.AddSingleton(options);
        services.TryAddSingleton<IMemberStatusReader>(_ => new HttpMemberStatusReader(new HttpClient()));
        services.AddSingleton(provider => new EventRecorder(
            provider.GetRequiredService<KubeApiClient>().Resource(KubeResources.Events),
            SyncGroupLabels.ManagedByValue,
            options.Identity,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<EventRecorder>>()));
        services.AddSingleton(provider => new SyncGroupReconciler(
            provider.GetRequiredService<KubeApiClient>(),
            provider.GetRequiredService<IMemberStatusReader>(),
            provider.GetRequiredService<EventRecorder>(),
            options.Reconciler,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILogger<SyncGroupReconciler>>()));
        services.AddSingleton(provider => new SyncGroupController(
            provider.GetRequiredService<KubeApiClient>(),
            provider.GetRequiredService<SyncGroupReconciler>(),
            options.Controller,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddSingleton(provider => new OperatorRunner(
            provider.GetRequiredService<KubeApiClient>(),
            provider.GetRequiredService<SyncGroupController>(),
            options,
            provider.GetRequiredService<TimeProvider>(),
            provider.GetRequiredService<ILoggerFactory>()));
        services.AddHostedService<OperatorService>();
        return services;
    }
}
