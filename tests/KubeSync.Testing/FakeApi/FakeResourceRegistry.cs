using System.Text.Json.Nodes;

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
        new("apps", "v1", "replicasets", "replicaset", "ReplicaSet", HasStatusSubresource: true, ShortNames: ["rs"]),
        new("apps", "v1", "statefulsets", "statefulset", "StatefulSet", HasStatusSubresource: true, ShortNames: ["sts"]),
        new("apps", "v1", "daemonsets", "daemonset", "DaemonSet", HasStatusSubresource: true, ShortNames: ["ds"]),
        new("rbac.authorization.k8s.io", "v1", "roles", "role", "Role"),
        new("rbac.authorization.k8s.io", "v1", "rolebindings", "rolebinding", "RoleBinding"),
        new("coordination.k8s.io", "v1", "leases", "lease", "Lease"),
        new("events.k8s.io", "v1", "events", "event", "Event", ShortNames: ["ev"]),
        new("apiextensions.k8s.io", "v1", "customresourcedefinitions", "customresourcedefinition", "CustomResourceDefinition", Namespaced: false, HasStatusSubresource: true, ShortNames: ["crd", "crds"]),
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

    /// <summary>Serves the resource a CustomResourceDefinition describes, each served version, as the real server does once the CRD is stored.</summary>
    public void AddCustomResource(JsonObject crd)
    {
        ArgumentNullException.ThrowIfNull(crd);
        var spec = crd["spec"] as JsonObject ?? throw FakeApiException.Invalid("CustomResourceDefinition: spec is required");
        var names = spec["names"] as JsonObject ?? throw FakeApiException.Invalid("CustomResourceDefinition: spec.names is required");
        var group = spec["group"]?.GetValue<string>() ?? throw FakeApiException.Invalid("CustomResourceDefinition: spec.group is required");
        var plural = names["plural"]?.GetValue<string>() ?? throw FakeApiException.Invalid("CustomResourceDefinition: spec.names.plural is required");
        var kind = names["kind"]?.GetValue<string>() ?? throw FakeApiException.Invalid("CustomResourceDefinition: spec.names.kind is required");
        var singular = names["singular"]?.GetValue<string>() ?? kind.ToLowerInvariant();
        var shortNames = (names["shortNames"] as JsonArray)?.Select(n => n!.GetValue<string>()).ToList();
        var namespaced = spec["scope"]?.GetValue<string>() != "Cluster";
        foreach (var version in (spec["versions"] as JsonArray ?? []).OfType<JsonObject>())
        {
            if (version["served"]?.GetValue<bool>() == false)
            {
                continue;
            }

            var hasStatus = version["subresources"]?["status"] is not null;
            Add(new FakeResourceDefinition(group, version["name"]!.GetValue<string>(), plural, singular, kind, namespaced, hasStatus, shortNames));
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
