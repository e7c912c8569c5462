using System.Text.Json;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// Per-member roles end to end: the operator renders <c>spec.roles</c> and the downward API volume of the pod's
/// labels, the emulated kubelet writes each pod's labels there, and each real sidecar picks its role from them. On a
/// 3-replica StatefulSet only <c>files-0</c> (by its <c>statefulset.kubernetes.io/pod-name</c> label) sends.
/// </summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class EmulatedClusterRolesTests(ITestOutputHelper output)
{
    private const string Volume = "data";
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(30);

    [SkippableFactForOperatedCluster]
    public async Task Roles_OnlyTheSelectedPodSends_ReceiveOnlyPodsKeepTheirWritesToThemselves()
    {
        await using var cluster = await OperatedCluster.StartAsync(output, "ghcr.io/kubesync/kubesync:test");
        await cluster.Client.Resource(KubeResources.StatefulSets).CreateAsync(Manifest.StatefulSet("""
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: files, namespace: default}
            spec:
              replicas: 3
              serviceName: files
              selector: {matchLabels: {app: files}}
              template:
                metadata: {labels: {app: files}}
                spec:
                  terminationGracePeriodSeconds: 5
                  containers:
                    - {name: app, image: example/pause:1, volumeMounts: [{name: data, mountPath: /data}]}
                  volumes: [{name: data, emptyDir: {}}]
            """), CancellationToken.None).WithTimeout("create StatefulSet", CallTimeout);
        await cluster.Groups.CreateAsync(Group(), CancellationToken.None).WithTimeout("create SyncGroup", CallTimeout);
        var pods = await cluster.WaitReadyPodsAsync(SyncGroupLabels.Group + "=files-data", 3, SyncGroupLabels.SidecarContainer);
        Assert.Equal(["files-0", "files-1", "files-2"], pods.Select(p => p.Name));

        // Each sidecar reads its own pod's labels from the downward API volume the operator asked for.
        foreach (var pod in pods)
        {
            var labels = await pod.ExecAsync(SyncGroupLabels.SidecarContainer, ["cat", "/etc/kubesync/podinfo/labels"], CancellationToken.None, CallTimeout);
            Assert.Contains($"statefulset.kubernetes.io/pod-name=\"{pod.Name}\"", labels.Stdout, StringComparison.Ordinal);
        }

        // A file written in a receive-only member stays there; two rounds of the sender's files pass it by.
        File.WriteAllText(Path.Combine(pods[1].VolumePath(Volume)!, "local.txt"), "only in files-1\n");
        foreach (var round in new[] { "one", "two" })
        {
            File.WriteAllText(Path.Combine(pods[0].VolumePath(Volume)!, $"{round}.txt"), $"from files-0, round {round}\n");
            foreach (var pod in pods)
            {
                await cluster.WaitFileAsync(pod, Volume, $"{round}.txt", $"from files-0, round {round}\n");
            }
        }

        Assert.False(File.Exists(Path.Combine(pods[0].VolumePath(Volume)!, "local.txt")), cluster.Describe("local.txt of receive-only files-1 reached files-0"));
        Assert.False(File.Exists(Path.Combine(pods[2].VolumePath(Volume)!, "local.txt")), cluster.Describe("local.txt of receive-only files-1 reached files-2"));
    }

    private static SyncGroup Group() => FakeYaml.ParseObject($$$"""
        apiVersion: kubesync.io/v1alpha1
        kind: SyncGroup
        metadata: {name: files-data, namespace: {{{OperatedCluster.Namespace}}}}
        spec:
          workloadRef: {kind: StatefulSet, name: files}
          volume: {{{Volume}}}
          mountPath: /data
          role: receive-only
          roles:
            - selector: {matchLabels: {statefulset.kubernetes.io/pod-name: files-0}}
              role: send-receive
          timing: {pull: 2s, drain: 2s}
        """).Deserialize(SyncGroupJsonContext.Default.SyncGroup)!;
}
