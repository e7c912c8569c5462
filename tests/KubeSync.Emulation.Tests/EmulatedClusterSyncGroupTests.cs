using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The whole product in one emulated cluster: the fake API server, the real <c>kubesync-operator</c> process and the
/// emulator running the real <c>kubesync</c> sidecars the operator injects next to nginx, each pod in its own network
/// namespace. The nginx example's SyncGroup is applied to a 3-replica Deployment; a site config written in one pod
/// reaches the others and nginx serves it after the reload action; the status and metrics say so; a fourth pod fills
/// before its app starts; deleting the SyncGroup takes the sidecar out of the template again.
/// </summary>
[Collection(EmulatorTestGroup.Name)]
public sealed partial class EmulatedClusterSyncGroupTests(ITestOutputHelper output)
{
    private const string SidecarImage = "ghcr.io/kubesync/kubesync:test";
    private const string GroupSelector = SyncGroupLabels.Group + "=" + NginxWeb.Group;

    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [SkippableFactForOperatedCluster]
    public async Task SyncGroup_OnNginxDeployment_InjectsSyncsReportsScalesAndCleansUp()
    {
        await using var cluster = await OperatedCluster.StartAsync(output, SidecarImage);
        await CreateWorkloadAsync(cluster);

        await cluster.Groups.CreateAsync(NginxWeb.ExampleSyncGroup(), CancellationToken.None).WithTimeout("create SyncGroup", CallTimeout);
        await CheckSidecarInjectedAsync(cluster);
        var pods = await cluster.WaitReadyPodsAsync(GroupSelector, 3, SyncGroupLabels.SidecarContainer);
        await WaitGroupAsync(cluster, 3, "Ready with 3 members");
        await CheckSidecarsRunRenderedConfigAsync(pods);

        // A site written in one pod reaches the others; each nginx serves it after the signal action's HUP.
        File.WriteAllText(Path.Combine(pods[0].VolumePath(NginxWeb.ConfVolume)!, "site.conf"), NginxWeb.Site("version 1"));
        foreach (var pod in pods)
        {
            await cluster.WaitFileAsync(pod, NginxWeb.ConfVolume, "site.conf", NginxWeb.Site("version 1"));
            await WaitPageAsync(cluster, pod, "version 1");
        }

        // A change made in another pod: the same again, through a reload of a running config.
        File.WriteAllText(Path.Combine(pods[1].VolumePath(NginxWeb.ConfVolume)!, "site.conf"), NginxWeb.Site("version 2"));
        foreach (var pod in pods)
        {
            await WaitPageAsync(cluster, pod, "version 2");
        }

        await CheckStatusAndMetricsAsync(cluster, pods);
        await ScaleToFourAsync(cluster, pods);
        await DeleteGroupAsync(cluster);
    }

    private static async Task CreateWorkloadAsync(OperatedCluster cluster)
    {
        // kubectl apply -f crds/: the fake serves a stored CRD's resource (it also knows SyncGroups without it).
        await cluster.Client.Resource(KubeResources.Generic(ResourceKind.CustomResourceDefinitions)).CreateAsync(NginxWeb.Crd(), CancellationToken.None).WithTimeout("apply the CRD", CallTimeout);
        await cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(NginxWeb.NginxConfigMap(), CancellationToken.None).WithTimeout("create ConfigMap", CallTimeout);
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(NginxWeb.WebDeployment(3), "kubectl", CancellationToken.None).WithTimeout("create Deployment", CallTimeout);
        var plain = await cluster.WaitReadyPodsAsync("app=web", 3, "nginx");
        Assert.All(plain, p => Assert.Null(p.ProcessId(SyncGroupLabels.SidecarContainer)));
    }

    /// <summary>The operator's pieces in the Deployment's template: the native sidecar with its startup probe, its volumes, the signal's shared process namespace.</summary>
    private static async Task CheckSidecarInjectedAsync(OperatedCluster cluster)
    {
        JsonObject? sidecar = null;
        await cluster.EventuallyAsync(async () =>
        {
            var spec = (await cluster.PodTemplateAsync(NginxWeb.Deployment))["spec"]!["template"]!["spec"]!;
            sidecar = (spec["initContainers"] as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => c["name"]!.GetValue<string>() == SyncGroupLabels.SidecarContainer);
            return sidecar is not null && spec["shareProcessNamespace"]?.GetValue<bool>() == true;
        }, "the kubesync native sidecar in the Deployment's pod template");
        Assert.Equal("Always", sidecar!["restartPolicy"]!.GetValue<string>());
        Assert.Equal(SidecarImage, sidecar["image"]!.GetValue<string>());
        Assert.Equal("/readyz", sidecar["startupProbe"]!["httpGet"]!["path"]!.GetValue<string>());
        Assert.Contains(sidecar["volumeMounts"]!.AsArray(), m => m!["name"]!.GetValue<string>() == NginxWeb.ConfVolume && m["mountPath"]!.GetValue<string>() == "/etc/nginx/conf.d");
    }

    /// <summary>Each pod runs the real sidecar on the ConfigMap and Secret the operator rendered, and its app started after the sidecar's startup probe.</summary>
    private static async Task CheckSidecarsRunRenderedConfigAsync(List<EmulatedPod> pods)
    {
        foreach (var pod in pods)
        {
            var config = await pod.ExecAsync(SyncGroupLabels.SidecarContainer, ["cat", "/etc/kubesync/config/kubesync.yaml"], CancellationToken.None, CallTimeout);
            Assert.True(config.ExitCode == 0, $"{pod.Name}: cat the config: {config.Stderr}");
            Assert.Contains("name: web-conf", config.Stdout, StringComparison.Ordinal);
            Assert.Contains("root: /etc/nginx/conf.d", config.Stdout, StringComparison.Ordinal);
            var tls = await pod.ExecAsync(SyncGroupLabels.SidecarContainer, ["ls", "/etc/kubesync/tls"], CancellationToken.None, CallTimeout);
            Assert.Equal(["ca.crt", "group.key", "tls.crt", "tls.key"], tls.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
            Assert.True(File.Exists(Path.Combine(pod.VolumePath(NginxWeb.RunVolume)!, NginxWeb.SeenAtStart)), $"{pod.Name}: nginx did not record its start");
        }
    }

    private static async Task WaitPageAsync(OperatedCluster cluster, EmulatedPod pod, string body)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var last = "";
        await cluster.EventuallyAsync(async () =>
        {
            try
            {
                last = await http.GetStringAsync(new Uri($"http://{pod.IP}:8080/"));
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                last = e.Message;
            }

            return last == body + "\n";
        }, $"\"{body}\" from nginx in {pod.Name} at {pod.IP}:8080 (last answer: {last})", TimeSpan.FromSeconds(60));
    }

    /// <summary>Waits until the SyncGroup is Ready and Synced with <paramref name="members"/> ready members, none dirty or in conflict.</summary>
    private static async Task<SyncGroup> WaitGroupAsync(OperatedCluster cluster, int members, string what)
    {
        SyncGroup? group = null;
        await cluster.EventuallyAsync(async () =>
        {
            group = await cluster.GroupAsync(NginxWeb.Group);
            var status = group?.Status;
            return status is not null
                && status.ObservedGeneration == group!.Metadata.Generation
                && status.MemberCount == members && status.ReadyMembers == members
                && status.Members.Count == members && status.Members.All(m => m.Ready && m.Message is null)
                && status.Dirty == 0 && status.Conflicts == 0
                && Condition(status, SyncGroupConditionTypes.Ready) == "True"
                && Condition(status, SyncGroupConditionTypes.Synced) == "True"
                && Condition(status, SyncGroupConditionTypes.Degraded) == "False";
        }, $"SyncGroup {NginxWeb.Group} {what}");
        Assert.Contains(SyncGroupLabels.Finalizer, group!.Metadata.Finalizers ?? []);
        return group;
    }

    private static string? Condition(SyncGroupStatus status, string type) => status.Conditions.FirstOrDefault(c => c.Type == type)?.Status;
}
