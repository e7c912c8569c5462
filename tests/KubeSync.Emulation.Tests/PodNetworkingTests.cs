using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>Pod addresses and cluster DNS: headless Services in each pod's <c>/etc/hosts</c>, namespace and loopback networking.</summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class PodNetworkingTests(ITestOutputHelper output)
{
    private static readonly EmulatorOptions Shell = new() { Images = ShellImage.Table() };

    [SkippableFactIfNoMountNamespaces]
    public async Task HeadlessService_ResolvesReadyPodsOnlyUnlessPublishNotReady()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        foreach (var (name, publish) in new[] { ("ready-only", false), ("everyone", true) })
        {
            await cluster.Client.Resource(KubeResources.Services).CreateAsync(Manifest.Service($$"""
                apiVersion: v1
                kind: Service
                metadata: {name: {{name}}, namespace: default}
                spec: {clusterIP: None, selector: {app: web}, publishNotReadyAddresses: {{(publish ? "true" : "false")}}}
                """), CancellationToken.None);
        }

        var web = WorkloadControllerTests.Web(replicas: 2, image: "example/shell");
        var container = web.Spec!.Template!.Spec!.Containers![0];
        container.Command = ["sh", "-c", "exec sleep 600"];
        container.ReadinessProbe = JsonNode.Parse("""{"exec":{"command":["test","-f","/state/ready"]},"periodSeconds":1}""")!.AsObject();
        container.VolumeMounts = [new VolumeMount { Name = "state", MountPath = "/state" }];
        web.Spec.Template.Spec.Volumes = [new Volume { Name = "state", AdditionalProperties = new() { ["emptyDir"] = System.Text.Json.JsonDocument.Parse("{}").RootElement } }];
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(web, CancellationToken.None);

        await cluster.EventuallyAsync(() => Task.FromResult(cluster.Emulator.Pods.Count(p => p.ProcessId("app") is not null) == 2), "two running pods");
        var pods = cluster.Emulator.Pods.OrderBy(p => p.Name, StringComparer.Ordinal).ToList();
        File.WriteAllText(Path.Combine(pods[0].VolumePath("state")!, "ready"), "");

        async Task<string[]> ResolveAsync(string name) =>
            [.. (await pods[1].ExecAsync("app", ["getent", "ahostsv4", name], CancellationToken.None)).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Where(l => l.Contains("STREAM", StringComparison.Ordinal)).Select(l => l.Split(' ')[0]).Order()];
        string[] both = [.. pods.Select(p => p.IP!).Order()];
        await cluster.EventuallyAsync(async () => (await ResolveAsync("ready-only")).SequenceEqual([pods[0].IP!]), "ready-only lists the one ready pod");
        await cluster.EventuallyAsync(async () => (await ResolveAsync("everyone.default.svc.cluster.local")).SequenceEqual(both), "everyone lists both pods");

        File.WriteAllText(Path.Combine(pods[1].VolumePath("state")!, "ready"), "");
        await cluster.EventuallyAsync(async () => (await ResolveAsync("ready-only.default")).SequenceEqual(both), "ready-only lists both once both are ready");
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task LoopbackNetworking_PodsGetTheirOwnLoopbackAddressAndResolveServices()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell with { Network = NetworkMode.Loopback });
        await cluster.Client.Resource(KubeResources.Services).CreateAsync(Manifest.Service("""
            apiVersion: v1
            kind: Service
            metadata: {name: peers, namespace: default}
            spec: {clusterIP: None, selector: {app: web}}
            """), CancellationToken.None);
        var web = WorkloadControllerTests.Web(replicas: 2, image: "example/shell");
        web.Spec!.Template!.Spec!.Containers![0].Command = ["sh", "-c", "exec sleep 600"];
        await cluster.Client.Resource(KubeResources.Deployments).CreateAsync(web, CancellationToken.None);

        await cluster.EventuallyAsync(() => Task.FromResult(cluster.Emulator.Pods.Count(p => p.ProcessId("app") is not null) == 2), "two running pods");
        var pods = cluster.Emulator.Pods.ToList();
        Assert.All(pods, p => Assert.StartsWith("127.0.", p.IP, StringComparison.Ordinal));
        Assert.NotEqual(pods[0].IP, pods[1].IP);
        Assert.All(pods, p => Assert.Null(p.NetworkNamespace));
        await cluster.EventuallyAsync(async () =>
        {
            var resolved = await pods[0].ExecAsync("app", ["getent", "ahostsv4", "peers"], CancellationToken.None);
            return pods.All(p => resolved.Stdout.Contains(p.IP!, StringComparison.Ordinal));
        }, "the service name resolves to both loopback addresses");
    }
}
