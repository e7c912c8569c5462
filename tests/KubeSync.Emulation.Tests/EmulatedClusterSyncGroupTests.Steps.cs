using System.Globalization;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;
using KubeSync.Testing.Emulation;

namespace KubeSync.Emulation.Tests;

/// <summary>The later steps of the SyncGroup test: status and metrics, scaling, deletion.</summary>
public sealed partial class EmulatedClusterSyncGroupTests
{
    /// <summary>The SyncGroup's status, each sidecar's <c>kubesync_</c> metrics and the operator's metrics agree: 3 members, all synced, nothing owed, no conflict.</summary>
    private async Task CheckStatusAndMetricsAsync(OperatedCluster cluster, List<EmulatedPod> pods)
    {
        var group = await WaitGroupAsync(cluster, 3, "Synced with 3 members, nothing dirty, no conflicts");
        Assert.Equal(pods.Select(p => p.Name), group.Status!.Members.Select(m => m.Pod).Order(StringComparer.Ordinal));
        Assert.Equal("False", Condition(group.Status, SyncGroupConditionTypes.Conflicts));

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        foreach (var pod in pods)
        {
            // Every pod received a version of site.conf from another (version 1 from pods[0], version 2 from pods[1]),
            // and reloaded nginx for it.
            // The group's status was read at one moment and each member is scraped at another: an acknowledgement
            // still on its way shows as a dirty mark for a moment, so the scrape is repeated until it has none.
            var metrics = "";
            await Eventually.TrueAsync(
                async () =>
                {
                    metrics = await http.GetStringAsync(new Uri($"http://{pod.IP}:9465/metrics")).WithTimeout($"/metrics of {pod.Name}", CallTimeout);
                    return Sum(metrics, "kubesync_dirty_files") == 0;
                },
                () => $"{pod.Name} to owe nothing:\n{metrics}",
                TimeSpan.FromSeconds(60));
            Assert.True(Sum(metrics, "kubesync_files_received_total") >= 1, $"{pod.Name} received no file:\n{metrics}");
            Assert.True(Sum(metrics, "kubesync_action_runs_total", "outcome=\"succeeded\"") >= 1, $"{pod.Name} ran no action successfully:\n{metrics}");
            Assert.True(Sum(metrics, "kubesync_dirty_files") == 0, $"{pod.Name} owes files:\n{metrics}");
            Assert.True(Sum(metrics, "kubesync_conflicts") == 0, $"{pod.Name} has conflicts:\n{metrics}");
            Assert.True(Sum(metrics, "kubesync_peers_connected") >= 1, $"{pod.Name} has no peer:\n{metrics}");

            // kubectl exec POD -c kubesync -- kubesync status: the CLI finds the config through KUBESYNC_CONFIG.
            var status = await pod.ExecAsync(SyncGroupLabels.SidecarContainer, ContainerImage.KubeSync().Argv(["kubesync", "status"], null), CancellationToken.None, CallTimeout);
            Assert.True(status.ExitCode == 0 && status.Stdout.Contains(NginxWeb.Group, StringComparison.Ordinal), $"kubesync status in {pod.Name}: exit {status.ExitCode}\n{status.Stdout}\n{status.Stderr}");
            output?.WriteLine($"kubesync status in {pod.Name}:\n{status.Stdout}");
        }

        var operatorMetrics = await http.GetStringAsync(new Uri(cluster.Operator.Address, "/metrics")).WithTimeout("the operator's /metrics", CallTimeout);
        const string labels = "syncgroup=\"web-conf\"";
        Assert.True(Sum(operatorMetrics, "kubesync_operator_syncgroup_members", labels) == 3, operatorMetrics);
        Assert.True(Sum(operatorMetrics, "kubesync_operator_syncgroup_ready", labels) == 1, operatorMetrics);
        Assert.True(Sum(operatorMetrics, "kubesync_operator_syncgroup_degraded", labels) == 0, operatorMetrics);
    }

    /// <summary>A fourth pod: its sidecar fills the volume before the app starts, and the pod is Ready only with the files in place.</summary>
    private static async Task ScaleToFourAsync(OperatedCluster cluster, List<EmulatedPod> pods)
    {
        var known = pods.Select(p => p.Name).ToHashSet(StringComparer.Ordinal);
        await cluster.Client.Resource(KubeResources.Deployments)
            .PatchAsync(OperatedCluster.Namespace, NginxWeb.Deployment, PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":4}}""")!, CancellationToken.None)
            .WithTimeout("scale to 4", CallTimeout);

        EmulatedPod? added = null;
        var expected = NginxWeb.Site("version 2");
        await cluster.EventuallyAsync(async () =>
        {
            added ??= cluster.Emulator.Pods.FirstOrDefault(p => !known.Contains(p.Name) && !p.IsTerminating);
            if (added is null)
            {
                return false;
            }

            var pod = await cluster.Client.Resource(KubeResources.Pods).GetAsync(OperatedCluster.Namespace, added.Name, CancellationToken.None).WithTimeout("get the new pod", CallTimeout);
            if (!OperatedCluster.IsReady(pod))
            {
                return false;
            }

            // Polled often: the first time the pod is seen Ready, its volume already holds the group's files.
            var site = Path.Combine(added.VolumePath(NginxWeb.ConfVolume)!, "site.conf");
            Assert.True(File.Exists(site) && File.ReadAllText(site) == expected, cluster.Describe($"{added.Name} is Ready without site.conf version 2 in its volume"));
            return true;
        }, "a fourth pod Ready");

        // nginx recorded what the volume held when it started: the sidecar's startup probe held it back until then.
        var seen = File.ReadAllText(Path.Combine(added!.VolumePath(NginxWeb.RunVolume)!, NginxWeb.SeenAtStart));
        Assert.True(seen.Split('\n').Contains("site.conf"), cluster.Describe($"nginx in {added.Name} started on a volume without site.conf: [{seen}]"));
        await WaitPageAsync(cluster, added, "version 2");
        await WaitGroupAsync(cluster, 4, "Ready and Synced with 4 members");
    }

    /// <summary>
    /// Deleting the SyncGroup: the finalizer takes our pieces out of the template, then the SyncGroup goes; pods roll back
    /// to nginx alone, and the garbage collector removes what the operator made for the group through its owner references.
    /// </summary>
    private static async Task DeleteGroupAsync(OperatedCluster cluster)
    {
        var uid = (await cluster.GroupAsync(NginxWeb.Group))!.Metadata.Uid;
        var owned = await OwnedByAsync(cluster, uid);
        Assert.True(
            new[] { "ConfigMap", "Secret", "Service" }.All(k => owned.Any(o => o.StartsWith(k + " ", StringComparison.Ordinal))),
            cluster.Describe($"the group's config, credentials and peer Service, owned by it (RBAC comes with exec actions, which this group has none of): [{string.Join(", ", owned)}]"));

        await cluster.Groups.DeleteAsync(OperatedCluster.Namespace, NginxWeb.Group, CancellationToken.None).WithTimeout("delete SyncGroup", CallTimeout);
        await cluster.EventuallyAsync(async () => await cluster.GroupAsync(NginxWeb.Group) is null, $"SyncGroup {NginxWeb.Group} gone (its finalizer removed)");
        await cluster.EventuallyAsync(async () => (await OwnedByAsync(cluster, uid)).Count == 0, $"the objects SyncGroup {NginxWeb.Group} owned ({string.Join(", ", owned)}) collected");

        var deployment = await cluster.PodTemplateAsync(NginxWeb.Deployment);
        var template = deployment["spec"]!["template"]!;
        var spec = template["spec"]!;
        var nginx = spec["containers"]!.AsArray().Single()!;
        Assert.True(
            (spec["initContainers"]?.AsArray().Count ?? 0) == 0
            && spec["shareProcessNamespace"] is null
            && spec["volumes"]!.AsArray().Select(v => v!["name"]!.GetValue<string>()).SequenceEqual(["conf", "run", "nginx-conf"])
            && nginx["name"]!.GetValue<string>() == "nginx" && nginx["env"] is null && nginx["volumeMounts"]!.AsArray().Count == 3
            && template["metadata"]!["labels"]![SyncGroupLabels.Group] is null
            && template["metadata"]!["annotations"]?[SyncGroupLabels.ConfigHash] is null
            && deployment["metadata"]!["annotations"]?[SyncGroupLabels.SyncGroupAnnotation] is null,
            cluster.Describe("the Deployment as the user wrote it, without the operator's pieces"));

        // The rollout: four pods of nginx alone.
        await cluster.WaitReadyPodsAsync("app=web", 4, "nginx", p => p.ProcessId(SyncGroupLabels.SidecarContainer) is null);
        var listed = await cluster.Client.Resource(KubeResources.Pods).ListAllAsync(OperatedCluster.Namespace, new ListOptions { LabelSelector = GroupSelector }, CancellationToken.None).WithTimeout("list pods", CallTimeout);
        Assert.DoesNotContain(listed.Items, p => p.Metadata.DeletionTimestamp is null);
    }

    /// <summary>"Kind name" of every ConfigMap, Secret, Service, ServiceAccount, Role and RoleBinding that names <paramref name="uid"/> among its owners.</summary>
    private static async Task<List<string>> OwnedByAsync(OperatedCluster cluster, string? uid)
    {
        var found = new List<string>();
        foreach (var kind in new[] { ResourceKind.ConfigMaps, ResourceKind.Secrets, ResourceKind.Services, ResourceKind.ServiceAccounts, ResourceKind.Roles, ResourceKind.RoleBindings })
        {
            var list = await cluster.Client.Resource(KubeResources.Generic(kind)).ListAllAsync(OperatedCluster.Namespace, null, CancellationToken.None).WithTimeout($"list {kind.Plural}", CallTimeout);
            found.AddRange(list.Items.Where(o => o.Metadata.OwnerReferences?.Any(r => r.Uid == uid) == true).Select(o => $"{kind.Kind} {o.Metadata.Name}"));
        }

        return found;
    }

    /// <summary>The sum of the samples of <paramref name="name"/> (Prometheus text) whose labels contain <paramref name="labelPart"/>.</summary>
    private static double Sum(string metrics, string name, string? labelPart = null) => metrics.Split('\n')
        .Where(line => line.StartsWith(name, StringComparison.Ordinal) && line.Length > name.Length && line[name.Length] is '{' or ' ')
        .Where(line => labelPart is null || line.Contains(labelPart, StringComparison.Ordinal))
        .Sum(line => double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture));
}
