using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Reconciling;

/// <summary>The reconciler against the fake API server: what it creates, what it applies to the workload, what it leaves alone.</summary>
public sealed class SidecarApplyTests
{
    [Fact]
    public async Task Reconcile_NginxExample_CreatesOwnedObjectsAndANativeSidecar()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        var group = await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        await cluster.ReconcileAsync("web-conf");

        var secret = await cluster.Client.Resource(KubeResources.Secrets).GetAsync(OperatorCluster.Namespace, "web-conf-kubesync", CancellationToken.None).WithTimeout("secret");
        Assert.Equal(["ca-signing.crt", "ca-signing.key", "ca.crt", "group.key", "tls.crt", "tls.key"], secret.Data!.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(group.Metadata.Uid, secret.Metadata.OwnerReferences!.Single().Uid);
        var service = await cluster.Client.Resource(KubeResources.Services).GetAsync(OperatorCluster.Namespace, "web-conf-peers", CancellationToken.None).WithTimeout("service");
        Assert.Equal("None", service.Spec!.ClusterIP);
        Assert.True(service.Spec.PublishNotReadyAddresses);
        Assert.Equal("web-conf", service.Spec.Selector![SyncGroupLabels.Group]);
        var config = await cluster.Client.Resource(KubeResources.ConfigMaps).GetAsync(OperatorCluster.Namespace, "web-conf-kubesync", CancellationToken.None).WithTimeout("config");
        Assert.Contains("web-conf-peers.default.svc.cluster.local", config.Data!["kubesync.yaml"], StringComparison.Ordinal);
        Assert.Null(await cluster.Client.Resource(KubeResources.Roles).FindAsync(OperatorCluster.Namespace, "web-conf-kubesync", CancellationToken.None));

        var template = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!["template"]!;
        var sidecar = template["spec"]!["initContainers"]!.AsArray().Single()!;
        Assert.Equal("kubesync", sidecar["name"]!.GetValue<string>());
        Assert.Equal("Always", sidecar["restartPolicy"]!.GetValue<string>());
        Assert.Equal("/readyz", sidecar["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Equal(["POD_NAME", "POD_NAMESPACE", "POD_IP", "KUBESYNC_CONFIG"], sidecar["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
        Assert.True(template["spec"]!["shareProcessNamespace"]!.GetValue<bool>());
        Assert.Equal(["conf", "kubesync-config", "kubesync-tls"], template["spec"]!["volumes"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).Order(StringComparer.Ordinal));
        Assert.Equal("nginxinc/nginx-unprivileged:1.27", template["spec"]!["containers"]!.AsArray().Single()!["image"]!.GetValue<string>());

        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        Assert.Equal(["Deployment/web"], status.Workloads);
        Assert.Equal("False", status.Conditions.Single(c => c.Type == "Degraded").Status);
        Assert.NotNull(status.CertificateNotAfter);
    }

    [Fact]
    public async Task Reconcile_PodExecAction_CreatesRoleForPodsExecOnly()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/authorized-keys/syncgroup.yaml");
        await cluster.ReconcileAsync("ops-keys");

        var role = await cluster.Client.Resource(KubeResources.Roles).GetAsync(OperatorCluster.Namespace, "ops-keys-kubesync", CancellationToken.None).WithTimeout("role");
        var rule = role.Rules!.Single();
        Assert.Equal(["pods/exec"], rule.Resources);
        Assert.Equal(["get", "create"], rule.Verbs);
        var binding = await cluster.Client.Resource(KubeResources.RoleBindings).GetAsync(OperatorCluster.Namespace, "ops-keys-kubesync", CancellationToken.None).WithTimeout("binding");
        Assert.Equal("ops-keys-kubesync", binding.Subjects!.Single().Name);
        foreach (var (kind, name) in new[] { (ResourceKind.StatefulSets, "bastion-eu"), (ResourceKind.Deployments, "bastion-us") })
        {
            var spec = (await cluster.RawAsync(kind, name))["spec"]!["template"]!["spec"]!;
            Assert.Equal("ops-keys-kubesync", spec["serviceAccountName"]!.GetValue<string>());
            Assert.Null(spec["shareProcessNamespace"]);
        }
    }

    [Fact]
    public async Task Apply_LeavesForeignFieldsAlone_AndKeepsUpWithTheirChanges()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        await cluster.ReconcileAsync("web-conf");

        // The app's owner changes its own container and replicas after the operator applied the sidecar.
        var deployments = cluster.Client.Resource(KubeResources.Deployments);
        var web = await deployments.GetAsync(OperatorCluster.Namespace, "web", CancellationToken.None).WithTimeout("get");
        web.Spec!.Replicas = 5;
        web.Spec.Template!.Spec!.Containers!.Single().Image = "nginx:1.28";
        await deployments.ReplaceAsync(web, CancellationToken.None).WithTimeout("user update");
        await cluster.ReconcileAsync("web-conf");

        var spec = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!;
        Assert.Equal(5, spec["replicas"]!.GetValue<int>());
        Assert.Equal("nginx:1.28", spec["template"]!["spec"]!["containers"]![0]!["image"]!.GetValue<string>());
        Assert.Equal("kubesync", spec["template"]!["spec"]!["initContainers"]![0]!["name"]!.GetValue<string>());
        var managers = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["metadata"]!["managedFields"]!.AsArray();
        var ours = managers.Single(m => m!["manager"]!.GetValue<string>() == "kubesync-operator")!;
        Assert.Equal("Apply", ours["operation"]!.GetValue<string>());
        Assert.DoesNotContain("f:replicas", ours["fieldsV1"]!.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Delete_FinalizerRemovesExactlyOurPieces()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        var before = (await cluster.RawAsync(ResourceKind.Deployments, "web"))["spec"]!.DeepClone();
        await cluster.ReconcileAsync("web-conf");
        Assert.Contains(SyncGroupLabels.Finalizer, (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None)).Metadata.Finalizers!);

        await cluster.Groups.DeleteAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("delete");
        Assert.NotNull(await cluster.Groups.FindAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None)); // held by the finalizer
        await cluster.ReconcileAsync("web-conf");

        Assert.Null(await cluster.Groups.FindAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None));
        var after = await cluster.RawAsync(ResourceKind.Deployments, "web");
        // Go's omitempty drops the empty map and list our removal leaves behind; compare without empty containers.
        Assert.True(JsonNode.DeepEquals(Prune(before), Prune(after["spec"]!)), $"the spec differs from before the operator: {after["spec"]}");
        Assert.Null(after["metadata"]!["annotations"]?[SyncGroupLabels.SyncGroupAnnotation]);
    }

    private static JsonNode Prune(JsonNode node)
    {
        var copy = node.DeepClone();
        Strip(copy);
        return copy;

        static bool Empty(JsonNode? n) => n is JsonObject { Count: 0 } or JsonArray { Count: 0 };

        static void Strip(JsonNode? n)
        {
            if (n is JsonObject map)
            {
                foreach (var (key, value) in map.ToList())
                {
                    Strip(value);
                    if (Empty(value))
                    {
                        map.Remove(key);
                    }
                }
            }
            else if (n is JsonArray list)
            {
                foreach (var item in list)
                {
                    Strip(item);
                }
            }
        }
    }
}
