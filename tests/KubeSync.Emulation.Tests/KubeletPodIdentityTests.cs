using System.Text.Json.Nodes;

using KubeSync.Engine.Configuration;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>What a pod knows of itself and who its processes are: downwardAPI volumes, runAsUser and runAsGroup, PID namespaces.</summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class KubeletPodIdentityTests(ITestOutputHelper output)
{
    private static readonly EmulatorOptions Shell = new() { Images = ShellImage.Table() };

    [SkippableFactIfNoMountNamespaces]
    public async Task DownwardApiVolume_LabelsNameNamespace_WrittenAsTheKubeletDoes_AndFollowLabelChanges()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata:
              name: info
              namespace: default
              labels: {app: web, zone: b, role: primary}
              annotations: {note: "say \"hi\"\n\tbye"}
            spec:
              containers:
                - name: main
                  image: example/shell
                  command: [sh, -c, "cat /etc/podinfo/labels > /out/labels; exec sleep 600"]
                  volumeMounts:
                    - {name: out, mountPath: /out}
                    - {name: podinfo, mountPath: /etc/podinfo}
              volumes:
                - {name: out, emptyDir: {}}
                - name: podinfo
                  downwardAPI:
                    items:
                      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
                      - {path: annotations, fieldRef: {fieldPath: metadata.annotations}}
                      - {path: name, fieldRef: {fieldPath: metadata.name}}
                      - {path: namespace, fieldRef: {fieldPath: metadata.namespace}}
                      - {path: zone, fieldRef: {fieldPath: "metadata.labels['zone']"}}
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "info");
        var outDir = pod.VolumePath("out")!;
        await cluster.EventuallyAsync(() => Task.FromResult(Written(Path.Combine(outDir, "labels"))), "the container copied its labels file");

        // Sorted by key, Go-quoted, no newline after the last; what the container reads is what the sidecar parses.
        const string Labels = "app=\"web\"\nrole=\"primary\"\nzone=\"b\"";
        Assert.Equal(Labels, File.ReadAllText(Path.Combine(outDir, "labels")));
        Assert.Equal(new Dictionary<string, string> { ["app"] = "web", ["role"] = "primary", ["zone"] = "b" }, LabelsFile.Parse(Labels, "labels"));
        var files = await pod.ExecAsync("main", ["sh", "-c", "cat /etc/podinfo/annotations; echo; cat /etc/podinfo/name /etc/podinfo/namespace /etc/podinfo/zone; echo; touch /etc/podinfo/x 2>/dev/null && echo writable || echo read-only"], CancellationToken.None);
        Assert.Equal("note=\"say \\\"hi\\\"\\n\\tbye\"\ninfodefaultb\nread-only\n", files.Stdout);

        // A label change reaches the file through an ..data swap, as with the kubelet's periodic sync.
        await cluster.Client.Resource(KubeResources.Pods).PatchAsync("default", "info", PatchType.Merge, JsonNode.Parse("""{"metadata":{"labels":{"role":"replica"}}}""")!, CancellationToken.None);
        await cluster.EventuallyAsync(async () =>
            (await pod.ExecAsync("main", ["cat", "/etc/podinfo/labels"], CancellationToken.None)).Stdout == "app=\"web\"\nrole=\"replica\"\nzone=\"b\"", "the labels file shows the new label");
    }

    [SkippableFactAsRoot]
    public async Task RunAsUser_ProcessAndExecRunAsThatUser_EmptyDirWritable_SecretReadable()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await cluster.Client.Resource(KubeResources.Secrets).CreateAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = "creds", Namespace = "default" },
            Data = new Dictionary<string, byte[]> { ["token"] = "s3cret"u8.ToArray() },
        }, CancellationToken.None);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: users, namespace: default}
            spec:
              securityContext: {runAsUser: 2000, fsGroup: 3000}
              containers:
                - name: app
                  image: example/shell
                  securityContext: {runAsUser: 101, runAsGroup: 101}
                  command: [sh, -c, "echo $(id -u):$(id -g):$(id -G) > /out/app; cat /etc/creds/token > /out/token; exec sleep 600"]
                  volumeMounts: [{name: out, mountPath: /out}, {name: creds, mountPath: /etc/creds}]
                - name: inherited
                  image: example/shell
                  command: [sh, -c, "echo $(id -u):$(id -g):$(id -G) > /out/inherited; exec sleep 600"]
                  volumeMounts: [{name: out, mountPath: /out}]
              volumes:
                - {name: out, emptyDir: {}}
                - {name: creds, secret: {secretName: creds, defaultMode: 292}}  # 0444
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "users");
        var outDir = pod.VolumePath("out")!;
        // The shells create each file before they write it: wait for the content (the token comes last), not the names.
        await cluster.EventuallyAsync(
            () => Task.FromResult(Written(Path.Combine(outDir, "app")) && Written(Path.Combine(outDir, "inherited")) && Written(Path.Combine(outDir, "token"))),
            "both containers wrote their ids, and app the token");

        Assert.Equal("101:101:101 3000\n", File.ReadAllText(Path.Combine(outDir, "app")));
        Assert.Equal("2000:0:0 3000\n", File.ReadAllText(Path.Combine(outDir, "inherited")));
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(outDir, "token")));
        Assert.Equal("101", Uid(pod.ProcessId("app")!.Value));
        Assert.Equal("101\n101:101\n", (await pod.ExecAsync("app", ["sh", "-c", "id -u; stat -c %u:%g /out/app"], CancellationToken.None)).Stdout);
    }

    [SkippableFactAsRoot]
    public async Task ProcessNamespace_SharedByContainersOnlyWithShareProcessNamespace_NeverAcrossPods()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: shared, namespace: default}
            spec:
              shareProcessNamespace: true
              containers:
                - {name: a, image: example/shell, command: [sleep, "601"]}
                - {name: b, image: example/shell, command: [sleep, "602"]}
            """);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: apart, namespace: default}
            spec:
              containers:
                - {name: c, image: example/shell, command: [sleep, "603"]}
                - {name: d, image: example/shell, command: [sleep, "604"]}
            """);
        var shared = await KubeletPods.WaitRunningAsync(cluster, "shared");
        var apart = await KubeletPods.WaitRunningAsync(cluster, "apart");

        // What a container's ps would list: the command lines under its /proc.
        static async Task<string> SeenFrom(EmulatedPod pod, string container) =>
            (await pod.ExecAsync(container, ["sh", "-c", "for f in /proc/[0-9]*/cmdline; do tr '\\0' ' ' < $f; echo; done"], CancellationToken.None)).Stdout;

        var fromB = await SeenFrom(shared, "b");
        Assert.True(fromB.Contains("sleep 601", StringComparison.Ordinal) && fromB.Contains("sleep 602", StringComparison.Ordinal), $"b does not see both containers of its pod:\n{fromB}");
        Assert.False(fromB.Contains("sleep 603", StringComparison.Ordinal) || fromB.Contains("sleep 604", StringComparison.Ordinal), $"b sees another pod's processes:\n{fromB}");

        var fromC = await SeenFrom(apart, "c");
        Assert.Contains("sleep 603", fromC, StringComparison.Ordinal);
        Assert.False(fromC.Contains("sleep 604", StringComparison.Ordinal), $"c sees its neighbour without shareProcessNamespace:\n{fromC}");
        Assert.False(fromC.Contains("sleep 601", StringComparison.Ordinal) || fromC.Contains("sleep 602", StringComparison.Ordinal), $"c sees another pod's processes:\n{fromC}");

        // The pid the emulator reports is the container's process as the host sees it.
        Assert.Equal("sleep\n", File.ReadAllText($"/proc/{apart.ProcessId("d")}/comm"));
    }

    [SkippableFactAsRoot]
    public async Task RunAsUser_SignalAcrossContainers_PermittedOnlyForTheSameUser()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: signals, namespace: default}
            spec:
              shareProcessNamespace: true
              containers:
                - name: app
                  image: example/shell
                  securityContext: {runAsUser: 101, runAsGroup: 101}
                  command: [sh, -c, "trap 'echo hup >> /run/app/hups' HUP; echo $$$$ > /run/app/pid; while true; do sleep 0.1; done"]
                  volumeMounts: [{name: run, mountPath: /run/app}]
                - name: same
                  image: example/shell
                  securityContext: {runAsUser: 101}
                  command: [sleep, "600"]
                  volumeMounts: [{name: run, mountPath: /run/app}]
                - name: other
                  image: example/shell
                  securityContext: {runAsUser: 102}
                  command: [sleep, "600"]
                  volumeMounts: [{name: run, mountPath: /run/app}]
              volumes: [{name: run, emptyDir: {}}]
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "signals");
        var run = pod.VolumePath("run")!;
        await cluster.EventuallyAsync(() => Task.FromResult(Written(Path.Combine(run, "pid"))), "the app wrote its pid");

        var refused = await pod.ExecAsync("other", ["sh", "-c", "kill -HUP $(cat /run/app/pid)"], CancellationToken.None);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("not permitted", refused.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.False(File.Exists(Path.Combine(run, "hups")));

        var sent = await pod.ExecAsync("same", ["sh", "-c", "kill -HUP $(cat /run/app/pid)"], CancellationToken.None);
        Assert.Equal(0, sent.ExitCode);
        await cluster.EventuallyAsync(() => Task.FromResult(Written(Path.Combine(run, "hups"))), "the app trapped the HUP of its own user");
        Assert.Equal("hup\n", File.ReadAllText(Path.Combine(run, "hups")));
    }

    private static string Uid(int pid) =>
        File.ReadAllLines($"/proc/{pid}/status").Single(l => l.StartsWith("Uid:", StringComparison.Ordinal)).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];

    /// <summary>The file exists and holds something: a shell's <c>&gt; file</c> creates it before the command writes.</summary>
    private static bool Written(string path) => File.Exists(path) && new FileInfo(path).Length > 0;
}
