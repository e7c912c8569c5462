namespace KubeSync.Kubernetes.Resources;

/// <summary>The typed resources KubeSync uses.</summary>
public static class KubeResources
{
    private static readonly KubeJsonContext Json = KubeJsonContext.Default;

    public static ResourceType<Pod> Pods { get; } = new(ResourceKind.Pods, Json.Pod, Json.KubeListPod);

    public static ResourceType<ConfigMap> ConfigMaps { get; } = new(ResourceKind.ConfigMaps, Json.ConfigMap, Json.KubeListConfigMap);

    public static ResourceType<Secret> Secrets { get; } = new(ResourceKind.Secrets, Json.Secret, Json.KubeListSecret);

    public static ResourceType<Service> Services { get; } = new(ResourceKind.Services, Json.Service, Json.KubeListService);

    public static ResourceType<ServiceAccount> ServiceAccounts { get; } =
        new(ResourceKind.ServiceAccounts, Json.ServiceAccount, Json.KubeListServiceAccount);

    public static ResourceType<Deployment> Deployments { get; } = new(ResourceKind.Deployments, Json.Deployment, Json.KubeListDeployment);

    public static ResourceType<StatefulSet> StatefulSets { get; } =
        new(ResourceKind.StatefulSets, Json.StatefulSet, Json.KubeListStatefulSet);

    public static ResourceType<DaemonSet> DaemonSets { get; } = new(ResourceKind.DaemonSets, Json.DaemonSet, Json.KubeListDaemonSet);

    public static ResourceType<Role> Roles { get; } = new(ResourceKind.Roles, Json.Role, Json.KubeListRole);

    public static ResourceType<RoleBinding> RoleBindings { get; } =
        new(ResourceKind.RoleBindings, Json.RoleBinding, Json.KubeListRoleBinding);

    public static ResourceType<Lease> Leases { get; } = new(ResourceKind.Leases, Json.Lease, Json.KubeListLease);

    public static ResourceType<KubeEvent> Events { get; } = new(ResourceKind.Events, Json.KubeEvent, Json.KubeListKubeEvent);

    /// <summary>SyncGroups untyped until the contract types exist; swap in a typed <see cref="ResourceType{T}"/> then.</summary>
    public static ResourceType<KubeObject> SyncGroups { get; } = Generic(ResourceKind.SyncGroups);

    /// <summary>Untyped access to <paramref name="kind"/>: every field is kept in <see cref="KubeObject.AdditionalProperties"/>.</summary>
    public static ResourceType<KubeObject> Generic(ResourceKind kind) =>
        new(kind, Json.KubeObject, Json.KubeListKubeObject);
}
