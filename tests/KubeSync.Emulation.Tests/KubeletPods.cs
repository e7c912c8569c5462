using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Testing.Emulation;

namespace KubeSync.Emulation.Tests;

/// <summary>Creating a bare pod in an emulated cluster and waiting for it to run.</summary>
internal static class KubeletPods
{
    public static async Task CreateAsync(EmulatedCluster cluster, string yaml) =>
        await cluster.Client.Resource(KubeResources.Pods).CreateAsync(Manifest.Pod(yaml), CancellationToken.None);

    public static async Task<EmulatedPod> WaitRunningAsync(EmulatedCluster cluster, string name)
    {
        EmulatedPod? pod = null;
        await ReadyStatusAsync(cluster, name);
        await cluster.EventuallyAsync(() => Task.FromResult((pod = cluster.Emulator.FindPod("default", name)) is { IP: not null }), $"pod {name} on the node");
        return pod!;
    }

    public static async Task<JsonObject> ReadyStatusAsync(EmulatedCluster cluster, string name)
    {
        JsonObject? status = null;
        await cluster.EventuallyAsync(async () =>
        {
            status = (await cluster.Client.Resource(KubeResources.Pods).GetAsync("default", name, CancellationToken.None)).Status;
            return status is not null && Condition(status, "Ready") == "True";
        }, $"pod {name} Ready");
        return status!;
    }

    public static string? Condition(JsonObject status, string type) =>
        status["conditions"]?.AsArray().FirstOrDefault(c => c!["type"]!.GetValue<string>() == type)?["status"]?.GetValue<string>();
}
