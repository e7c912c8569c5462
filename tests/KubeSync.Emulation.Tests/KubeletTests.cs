using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>The kubelet with real processes (<c>/bin/sh</c> for the <c>example/shell</c> image): env, volumes, sidecars, restarts, termination.</summary>
[Collection(EmulatorTestGroup.Name)]
public sealed class KubeletTests(ITestOutputHelper output)
{
    private static readonly EmulatorOptions Shell = new() { Images = ShellImage.Table() };

    [SkippableFactIfNoMountNamespaces]
    public async Task Container_CommandEnvAndMounts_AsTheKubeletBuildsThem()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await cluster.Client.Resource(KubeResources.ConfigMaps).CreateAsync(Manifest.ConfigMap("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg, namespace: default}
            data: {color: blue, app.conf: "listen 80\n"}
            """), CancellationToken.None);
        await cluster.Client.Resource(KubeResources.Secrets).CreateAsync(new Secret
        {
            Metadata = new ObjectMeta { Name = "creds", Namespace = "default" },
            Data = new Dictionary<string, byte[]> { ["token"] = "s3cret"u8.ToArray() },
        }, CancellationToken.None);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: probe, namespace: default}
            spec:
              containers:
                - name: main
                  image: registry.example/tools/shell:1
                  command: [sh, -c]
                  args:
                    - |
                      echo "name=$(POD_NAME) ns=$(POD_NAMESPACE) ip=$(POD_IP) node=$(NODE) color=$(COLOR) token=$(TOKEN) greeting=$GREETING" > /out/env.txt
                      echo 'literal=$$(POD_NAME) unknown=$(NOPE)' > /out/literal.txt
                      cat /etc/cfg/app.conf > /out/conf.txt
                      cat /etc/creds/token > /out/token.txt
                      hostname > /out/hostname.txt
                      touch /out/done
                      exec sleep 600
                  env:
                    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
                    - {name: POD_NAMESPACE, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
                    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
                    - {name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
                    - {name: COLOR, valueFrom: {configMapKeyRef: {name: cfg, key: color}}}
                    - {name: TOKEN, valueFrom: {secretKeyRef: {name: creds, key: token}}}
                    - {name: GREETING, value: "hello $(POD_NAME)"}
                  volumeMounts:
                    - {name: out, mountPath: /out}
                    - {name: cfg, mountPath: /etc/cfg}
                    - {name: creds, mountPath: /etc/creds}
              volumes:
                - {name: out, emptyDir: {}}
                - {name: cfg, configMap: {name: cfg, items: [{key: app.conf, path: app.conf}]}}
                - {name: creds, secret: {secretName: creds, defaultMode: 256}}  # 0400 (the test YAML reader has no octal)
            """);

        var pod = await KubeletPods.WaitRunningAsync(cluster, "probe");
        var outDir = pod.VolumePath("out")!;
        // The marker comes after the last write: a file seen to exist may still be empty (the shell creates it, then writes).
        await cluster.EventuallyAsync(() => Task.FromResult(File.Exists(Path.Combine(outDir, "done"))), "the container wrote its files");
        Assert.Equal($"name=probe ns=default ip={pod.IP} node=emulated-node color=blue token=s3cret greeting=hello probe\n", File.ReadAllText(Path.Combine(outDir, "env.txt")));
        Assert.Equal("literal=$(POD_NAME) unknown=$(NOPE)\n", File.ReadAllText(Path.Combine(outDir, "literal.txt")));
        Assert.Equal("listen 80\n", File.ReadAllText(Path.Combine(outDir, "conf.txt")));
        Assert.Equal("s3cret", File.ReadAllText(Path.Combine(outDir, "token.txt")));
        Assert.Equal("probe\n", File.ReadAllText(Path.Combine(outDir, "hostname.txt")));

        // Only the listed item is projected; configMap and secret volumes are read-only; the secret has its defaultMode.
        var listing = await pod.ExecAsync("main", ["sh", "-c", "ls /etc/cfg; touch /etc/cfg/x 2>/dev/null && echo writable || echo read-only; stat -L -c %a /etc/creds/token"], CancellationToken.None);
        Assert.Equal("app.conf\nread-only\n400\n", listing.Stdout);
        Assert.NotEqual("probe", File.ReadAllText("/proc/sys/kernel/hostname").Trim());
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task ConfigMapVolume_ObjectChanged_FilesSwappedThroughDataSymlink()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        var maps = cluster.Client.Resource(KubeResources.ConfigMaps);
        await maps.CreateAsync(Manifest.ConfigMap("""
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: cfg, namespace: default}
            data: {app.conf: "version 1\n", old.conf: "gone soon\n"}
            """), CancellationToken.None);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: reader, namespace: default}
            spec:
              containers:
                - {name: main, image: example/shell, command: [sh, -c, "exec sleep 600"], volumeMounts: [{name: cfg, mountPath: /etc/app}]}
              volumes: [{name: cfg, configMap: {name: cfg}}]
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "reader");
        var before = await pod.ExecAsync("main", ["sh", "-c", "cat /etc/app/app.conf; readlink /etc/app/..data; readlink /etc/app/app.conf; ls /etc/app"], CancellationToken.None);
        var lines = before.Stdout.Split('\n');
        Assert.Equal("version 1", lines[0]);
        Assert.StartsWith("..", lines[1], StringComparison.Ordinal);
        Assert.Equal("..data/app.conf", lines[2]);
        Assert.Equal(["app.conf", "old.conf"], lines[3..5]);

        await maps.PatchAsync("default", "cfg", PatchType.Json, JsonNode.Parse("""[{"op":"replace","path":"/data","value":{"app.conf":"version 2\n","new.conf":"hello\n"}}]""")!, CancellationToken.None);
        await cluster.EventuallyAsync(async () => (await pod.ExecAsync("main", ["cat", "/etc/app/app.conf"], CancellationToken.None)).Stdout == "version 2\n", "the mounted file shows the new data");
        var after = await pod.ExecAsync("main", ["sh", "-c", "readlink /etc/app/..data; ls /etc/app; ls -a /etc/app | grep -c '^\\.\\.[0-9]'"], CancellationToken.None);
        var afterLines = after.Stdout.Split('\n');
        Assert.NotEqual(lines[1], afterLines[0]);
        Assert.Equal(["app.conf", "new.conf"], afterLines[1..3]);
        Assert.Equal("1", afterLines[3]);
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task NativeSidecar_StartsAfterInitAndBeforeApp_OnceItsStartupProbePasses()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: ordered, namespace: default}
            spec:
              initContainers:
                - {name: setup, image: example/shell, command: [sh, -c, "date +%s%N > /shared/setup"], volumeMounts: [{name: shared, mountPath: /shared}]}
                - name: sidecar
                  image: example/shell
                  restartPolicy: Always
                  command: [sh, -c, "test -f /shared/setup || exit 9; sleep 1; date +%s%N > /shared/sidecar-up; exec sleep 600"]
                  startupProbe: {exec: {command: [test, -f, /shared/sidecar-up]}, periodSeconds: 1, failureThreshold: 30}
                  volumeMounts: [{name: shared, mountPath: /shared}]
              containers:
                - name: app
                  image: example/shell
                  command: [sh, -c, "test -f /shared/sidecar-up && echo saw-sidecar > /shared/app; exec sleep 600"]
                  volumeMounts: [{name: shared, mountPath: /shared}]
              volumes: [{name: shared, emptyDir: {}}]
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "ordered");
        var app = Path.Combine(pod.VolumePath("shared")!, "app");
        await cluster.EventuallyAsync(() => Task.FromResult(File.Exists(app) && new FileInfo(app).Length > 0), "the app container ran after the sidecar was up");
        Assert.Equal("saw-sidecar\n", File.ReadAllText(app));

        var status = await KubeletPods.ReadyStatusAsync(cluster, "ordered");
        var inits = status["initContainerStatuses"]!.AsArray();
        Assert.Equal("Completed", inits[0]!["state"]!["terminated"]!["reason"]!.GetValue<string>());
        Assert.True(inits[1]!["started"]!.GetValue<bool>());
        Assert.NotNull(inits[1]!["state"]!["running"]);
        Assert.Equal("True", KubeletPods.Condition(status, "Initialized"));
        Assert.Equal("True", KubeletPods.Condition(status, "ContainersReady"));
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task CrashingContainer_RestartedWithBackoff_RestartCountAndLastState()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: crasher, namespace: default}
            spec:
              containers:
                - {name: main, image: example/shell, command: [sh, -c, "echo run >> /out/runs; exit 3"], volumeMounts: [{name: out, mountPath: /out}]}
              volumes: [{name: out, emptyDir: {}}]
            """);
        JsonObject? main = null;
        await cluster.EventuallyAsync(async () =>
        {
            var pod = await cluster.Client.Resource(KubeResources.Pods).GetAsync("default", "crasher", CancellationToken.None);
            main = pod.Status?["containerStatuses"]?[0]?.AsObject();
            return main?["restartCount"]?.GetValue<int>() >= 2;
        }, "two restarts");
        Assert.Equal(3, main!["lastState"]!["terminated"]!["exitCode"]!.GetValue<int>());
        var runs = File.ReadAllLines(Path.Combine(cluster.Emulator.FindPod("default", "crasher")!.VolumePath("out")!, "runs"));
        Assert.True(runs.Length >= 3, $"ran {runs.Length} times");
        Assert.Contains("restarting in", cluster.Emulator.Describe(), StringComparison.Ordinal);
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task LivenessProbeFailing_ContainerKilledAndRestarted()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: sick, namespace: default}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: main
                  image: example/shell
                  command: [sh, -c, "touch /state/alive; exec sleep 600"]
                  livenessProbe: {exec: {command: [test, -f, /state/alive]}, periodSeconds: 1, failureThreshold: 2}
                  volumeMounts: [{name: state, mountPath: /state}]
              volumes: [{name: state, emptyDir: {}}]
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "sick");
        var firstPid = pod.ProcessId("main");
        File.Delete(Path.Combine(pod.VolumePath("state")!, "alive"));

        await cluster.EventuallyAsync(() => Task.FromResult(pod.RestartCount("main") == 1 && pod.ProcessId("main") is { } pid && pid != firstPid), "the container restarted after its liveness probe failed");
        Assert.Contains("Liveness probe failed 2 times: exec exited 1", cluster.Emulator.Describe(), StringComparison.Ordinal);
        await KubeletPods.ReadyStatusAsync(cluster, "sick");
    }

    [SkippableFactIfNoMountNamespaces]
    public async Task DeletedPod_SigtermThenSigkillAfterGracePeriod()
    {
        await using var cluster = await EmulatedCluster.StartAsync(output, Shell);
        await KubeletPods.CreateAsync(cluster, """
            apiVersion: v1
            kind: Pod
            metadata: {name: stopper, namespace: default}
            spec:
              terminationGracePeriodSeconds: 2
              containers:
                - {name: polite, image: example/shell, command: [sh, -c, "trap 'echo term > /out/term; exit 0' TERM; while true; do sleep 0.1; done"], volumeMounts: [{name: out, mountPath: /out}]}
                - {name: stubborn, image: example/shell, command: [sh, -c, "trap '' TERM; while true; do sleep 0.1; done"]}
              volumes: [{name: out, emptyDir: {}}]
            """);
        var pod = await KubeletPods.WaitRunningAsync(cluster, "stopper");
        await KubeletPods.ReadyStatusAsync(cluster, "stopper");
        var outDir = pod.VolumePath("out")!;
        var pids = new[] { pod.ProcessId("polite")!.Value, pod.ProcessId("stubborn")!.Value };

        await cluster.Client.Resource(KubeResources.Pods).DeleteAsync("default", "stopper", CancellationToken.None);
        var terminating = await cluster.Client.Resource(KubeResources.Pods).FindAsync("default", "stopper", CancellationToken.None);
        Assert.NotNull(terminating?.Metadata.DeletionTimestamp);
        await cluster.EventuallyAsync(async () => await cluster.Client.Resource(KubeResources.Pods).FindAsync("default", "stopper", CancellationToken.None) is null, "the pod is gone after its grace period");
        var journal = cluster.Emulator.Describe();
        Assert.Contains("stopper/polite exited 0", journal, StringComparison.Ordinal);
        Assert.Contains("stopper/stubborn exited 137", journal, StringComparison.Ordinal);
        Assert.Equal("term\n", File.ReadAllText(Path.Combine(outDir, "term")));
        Assert.All(pids, pid => Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still runs"));
    }
}
