using KubeSync.Kubernetes.Resources;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>The typed SyncGroup resource for <c>KubeApiClient.Resource</c>.</summary>
public static class SyncGroupResources
{
    public static ResourceType<SyncGroup> SyncGroups { get; } =
        new(ResourceKind.SyncGroups, SyncGroupJsonContext.Default.SyncGroup, SyncGroupJsonContext.Default.KubeListSyncGroup);
}
