using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

using KubeSync.Engine.Security;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// A hand-written Deployment of <c>kubesync run</c> in the emulated cluster: config from a ConfigMap, certificates and
/// the group key from a Secret, peers from a headless Service, readiness on the admin <c>/readyz</c>, each pod in its
/// own network namespace. What the operator will render later, written out by hand.
/// </summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class KubeSyncDeploymentTests(ITestOutputHelper output)
{
    private const string Config = """
        listen: 0.0.0.0:30865
        admin: 0.0.0.0:9465
        tls: {cert: /etc/kubesync/tls/tls.crt, key: /etc/kubesync/tls/tls.key, ca: /etc/kubesync/tls/ca.crt}
        keyFile: /etc/kubesync/tls/group.key
        timing: {rescan: 5s, pull: 1s, drain: 2s}
        groups:
          - name: web
            root: /srv/data
            peers:
              dns: {name: web-peers, port: 30865}

        """;

    [SkippableFactIfNoNamespaces]
    public async Task Deployment_OfKubeSync_SyncsScalesRecreatesReloadsAndCleansUp()
    {
        var hostTargets = new[] { "/etc/kubesync", "/srv/data" }.Where(p => !Path.Exists(p)).ToList();
        var cluster = await EmulatedCluster.StartAsync(output, new EmulatorOptions { Network = NetworkMode.Namespaces });
        var pids = new HashSet<int>();
        string networkId = cluster.Emulator.NetworkId, directory = cluster.Emulator.Directory;
        try
        {
            await CreateObjectsAsync(cluster.Client);
            var pods = await WaitReadyAsync(cluster, 2);
            Assert.All(pods, p => Assert.StartsWith("10.244.", p.IP, StringComparison.Ordinal));
            Assert.Equal(2, pods.Select(p => p.NetworkNamespace).Distinct().Count());
            pids.UnionWith(pods.Select(p => p.ProcessId("kubesync")!.Value));

            // A file written into one pod's data volume reaches the other pod.
            File.WriteAllText(Path.Combine(pods[0].VolumePath("data")!, "hello.txt"), "from the first pod\n");
            await WaitFileAsync(cluster, pods[1], "hello.txt", "from the first pod\n");

            // The admin endpoint answers on the pod IP, as the kubelet's probe sees it.
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var metrics = await http.GetStringAsync(new Uri($"http://{pods[1].IP}:9465/metrics"));
            Assert.Contains("kubesync_files_received_total", metrics, StringComparison.Ordinal);

            // Scaled to 3: the new pod fills from the others.
            await cluster.Client.Resource(KubeResources.Deployments).PatchAsync("default", "web", PatchType.Merge, JsonNode.Parse("""{"spec":{"replicas":3}}""")!, CancellationToken.None);
            pods = await WaitReadyAsync(cluster, 3);
            var added = pods.Single(p => !pids.Contains(p.ProcessId("kubesync") ?? 0));
            await WaitFileAsync(cluster, added, "hello.txt", "from the first pod\n");
            pids.UnionWith(pods.Select(p => p.ProcessId("kubesync")!.Value));

            // A deleted pod is recreated by its ReplicaSet, under a new name, and fills too.
            var victim = pods[0];
            await cluster.Client.Resource(KubeResources.Pods).DeleteAsync("default", victim.Name, CancellationToken.None);
            await cluster.EventuallyAsync(() => Task.FromResult(cluster.Emulator.Pods.Count(p => p.Name != victim.Name && !p.IsTerminating && p.ProcessId("kubesync") is not null) == 3), "a replacement pod");
            pods = await WaitReadyAsync(cluster, 3);
            Assert.DoesNotContain(pods, p => p.Name == victim.Name);
            await WaitFileAsync(cluster, pods.Single(p => !pids.Contains(p.ProcessId("kubesync") ?? 0)), "hello.txt", "from the first pod\n");
            pids.UnionWith(pods.Select(p => p.ProcessId("kubesync")!.Value));

            // A ConfigMap change shows up in the mounted file through the ..data swap.
            var before = await pods[0].ExecAsync("kubesync", ["readlink", "/etc/kubesync/..data"], CancellationToken.None);
            var patch = new JsonObject { ["data"] = new JsonObject { ["kubesync.yaml"] = Config.Replace("rescan: 5s", "rescan: 7s", StringComparison.Ordinal) } };
            await cluster.Client.Resource(KubeResources.ConfigMaps).PatchAsync("default", "kubesync", PatchType.Merge, patch, CancellationToken.None);
            await cluster.EventuallyAsync(async () => (await pods[0].ExecAsync("kubesync", ["cat", "/etc/kubesync/kubesync.yaml"], CancellationToken.None)).Stdout.Contains("rescan: 7s", StringComparison.Ordinal), "the new config in the mounted file");
            var after = await pods[0].ExecAsync("kubesync", ["readlink", "/etc/kubesync/..data"], CancellationToken.None);
            Assert.NotEqual(before.Stdout, after.Stdout);

            var deployment = await cluster.Client.Resource(KubeResources.Deployments).GetAsync("default", "web", CancellationToken.None);
            Assert.Equal(3, deployment.Status!["readyReplicas"]!.GetValue<int>());
        }
        finally
        {
            await cluster.DisposeAsync();
        }

        // Nothing is left: processes, network namespaces, links, mount points made on the host, the temp directory.
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still runs"));
        var netns = await RunAsync("ip", "netns", "list");
        Assert.DoesNotContain($"ks{networkId}-", netns, StringComparison.Ordinal);
        var links = await RunAsync("ip", "-o", "link", "show");
        Assert.DoesNotContain($"ksb{networkId}", links, StringComparison.Ordinal);
        Assert.DoesNotContain($"ksv{networkId}", links, StringComparison.Ordinal);
        Assert.All(hostTargets, p => Assert.False(Path.Exists(p), $"{p} was made as a mount point and is still there"));
        Assert.False(Directory.Exists(directory), $"{directory} is still there");
    }

    private static async Task CreateObjectsAsync(KubeApiClient client)
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
        using var member = ca.Issue("web-member", TimeProvider.System, TimeSpan.FromDays(1), ["localhost"], [IPAddress.Loopback]);
        await client.Resource(KubeResources.Secrets).CreateAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = "kubesync-tls", Namespace = "default" },
            Data = new Dictionary<string, byte[]>
            {
                ["ca.crt"] = System.Text.Encoding.ASCII.GetBytes(ca.ExportCertificatePem()),
                ["tls.crt"] = System.Text.Encoding.ASCII.GetBytes(CertificateFiles.ExportCertificatePem(member)),
                ["tls.key"] = System.Text.Encoding.ASCII.GetBytes(CertificateFiles.ExportPrivateKeyPem(member)),
                ["group.key"] = System.Text.Encoding.ASCII.GetBytes(GroupKey.Generate() + "\n"),
            },
        }, CancellationToken.None);
        await client.Resource(KubeResources.ConfigMaps).CreateAsync(new ConfigMap
        {
            Metadata = new ObjectMeta { Name = "kubesync", Namespace = "default" },
            Data = new Dictionary<string, string> { ["kubesync.yaml"] = Config },
        }, CancellationToken.None);
        await client.Resource(KubeResources.Services).CreateAsync(Manifest.Service("""
            apiVersion: v1
            kind: Service
            metadata: {name: web-peers, namespace: default}
            spec: {clusterIP: None, selector: {app: web}, publishNotReadyAddresses: true, ports: [{name: sync, port: 30865}]}
            """), CancellationToken.None);
        await client.Resource(KubeResources.Deployments).CreateAsync(Manifest.Deployment("""
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: default}
            spec:
              replicas: 2
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - name: kubesync
                      image: ghcr.io/kubesync/kubesync:0.1.0
                      args: [--config, /etc/kubesync/kubesync.yaml, run]
                      env:
                        - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                      ports: [{name: admin, containerPort: 9465}, {name: sync, containerPort: 30865}]
                      readinessProbe: {httpGet: {path: /readyz, port: admin}, periodSeconds: 1}
                      volumeMounts:
                        - {name: config, mountPath: /etc/kubesync}
                        - {name: tls, mountPath: /etc/kubesync/tls, readOnly: true}
                        - {name: data, mountPath: /srv/data}
                  volumes:
                    - {name: config, configMap: {name: kubesync}}
                    - {name: tls, secret: {secretName: kubesync-tls}}
                    - {name: data, emptyDir: {}}
            """), CancellationToken.None);
    }

    /// <summary>Waits for <paramref name="count"/> pods of the Deployment Ready in the API, and returns them as the node runs them.</summary>
    private static async Task<List<EmulatedPod>> WaitReadyAsync(EmulatedCluster cluster, int count)
    {
        List<EmulatedPod> ready = [];
        await cluster.EventuallyAsync(async () =>
        {
            var pods = (await cluster.Client.Resource(KubeResources.Pods).ListAllAsync("default", new ListOptions { LabelSelector = "app=web" }, CancellationToken.None)).Items
                .Where(p => p.Metadata.DeletionTimestamp is null).ToList();
            var readyNames = pods.Where(p => (p.Status?["conditions"] as JsonArray)?.Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true)
                .Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            ready = [.. cluster.Emulator.Pods.Where(p => readyNames.Contains(p.Name) && !p.IsTerminating && p.ProcessId("kubesync") is not null).OrderBy(p => p.Name, StringComparer.Ordinal)];
            return pods.Count == count && readyNames.Count == count && ready.Count == count;
        }, $"{count} kubesync pods Ready", TimeSpan.FromSeconds(120));
        return ready;
    }

    private static async Task WaitFileAsync(EmulatedCluster cluster, EmulatedPod pod, string relative, string content)
    {
        var path = Path.Combine(pod.VolumePath("data")!, relative);
        await cluster.EventuallyAsync(() => Task.FromResult(File.Exists(path) && File.ReadAllText(path) == content), $"{relative} in {pod.Name}", TimeSpan.FromSeconds(60));
    }

    private static async Task<string> RunAsync(string program, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(program, args) { RedirectStandardOutput = true, UseShellExecute = false })!;
        var text = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        return text;
    }
}
