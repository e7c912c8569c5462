namespace KubeSync.Kubernetes.Resources;

/// <summary>Where a resource lives in the API: group, version, plural, and whether it is namespaced.</summary>
public sealed record ResourceKind(string Group, string Version, string Plural, string Kind, bool Namespaced = true)
{
    /// <summary><c>v1</c> for the core group, <c>group/version</c> otherwise.</summary>
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    public static ResourceKind Pods { get; } = new("", "v1", "pods", "Pod");

    public static ResourceKind ConfigMaps { get; } = new("", "v1", "configmaps", "ConfigMap");

    public static ResourceKind Secrets { get; } = new("", "v1", "secrets", "Secret");

    public static ResourceKind Services { get; } = new("", "v1", "services", "Service");

    public static ResourceKind ServiceAccounts { get; } = new("", "v1", "serviceaccounts", "ServiceAccount");

    public static ResourceKind Deployments { get; } = new("apps", "v1", "deployments", "Deployment");

    public static ResourceKind StatefulSets { get; } = new("apps", "v1", "statefulsets", "StatefulSet");

    public static ResourceKind DaemonSets { get; } = new("apps", "v1", "daemonsets", "DaemonSet");

    public static ResourceKind Roles { get; } = new("rbac.authorization.k8s.io", "v1", "roles", "Role");

    public static ResourceKind RoleBindings { get; } = new("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding");

    public static ResourceKind Leases { get; } = new("coordination.k8s.io", "v1", "leases", "Lease");

    public static ResourceKind Events { get; } = new("events.k8s.io", "v1", "events", "Event");

    public static ResourceKind SyncGroups { get; } = new("kubesync.io", "v1alpha1", "syncgroups", "SyncGroup");

    public static ResourceKind CustomResourceDefinitions { get; } =
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", Namespaced: false);
}
