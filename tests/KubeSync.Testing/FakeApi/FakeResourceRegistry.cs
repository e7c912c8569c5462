namespace KubeSync.Testing.FakeApi;

/// <summary>The resources a fake server knows; built-ins plus whatever a test adds (CRDs).</summary>
public sealed class FakeResourceRegistry
{
    private readonly List<FakeResourceDefinition> _definitions = [];
    private readonly Lock _lock = new();

    public FakeResourceRegistry()
    {
        foreach (var definition in BuiltIns)
        {
            Add(definition);
        }
    }

    public static IReadOnlyList<FakeResourceDefinition> BuiltIns { get; } =
    [
        new("", "v1", "namespaces", "namespace", "Namespace", Namespaced: false, HasStatusSubresource: true, ShortNames: ["ns"]),
        new("", "v1", "pods", "pod", "Pod", HasStatusSubresource: true, ShortNames: ["po"]),
        new("", "v1", "configmaps", "configmap", "ConfigMap", ShortNames: ["cm"]),
        new("", "v1", "secrets", "secret", "Secret"),
        new("", "v1", "services", "service", "Service", HasStatusSubresource: true, ShortNames: ["svc"]),
        new("", "v1", "serviceaccounts", "serviceaccount", "ServiceAccount", ShortNames: ["sa"]),
        new("", "v1", "events", "event", "Event", ShortNames: ["ev"]),
        new("apps", "v1", "deployments", "deployment", "Deployment", HasStatusSubresource: true, ShortNames: ["deploy"]),
        new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", HasStatusSubresource: true, ShortNames: ["sts"]),
        new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", HasStatusSubresource: true, ShortNames: ["ds"]),
        new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role"),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding"),
        new("coordination.k8s.io", "v1", "leases", "lease", "Lease"),
        new("events.k8s.io", "v1", "events", "event", "Event", ShortNames: ["ev"]),
        new("kubesync.io", "v1alpha1", "syncgroups", "syncgroup", "SyncGroup", HasStatusSubresource: true, ShortNames: ["sg"]),
    ];

    public IReadOnlyList<FakeResourceDefinition> All
    {
        get
        {
            lock (_lock)
            {
                return [.. _definitions];
            }
        }
    }

    /// <summary>Serves another resource (a CRD, say) from now on.</summary>
    public void Add(FakeResourceDefinition definition)
    {
        lock (_lock)
        {
            _definitions.RemoveAll(d => d.Key == definition.Key);
            _definitions.Add(definition);
        }
    }

    public FakeResourceDefinition? Find(string group, string version, string plural)
    {
        lock (_lock)
        {
            return _definitions.Find(d => d.Group == group && d.Version == version && d.Plural == plural);
        }
    }
}
