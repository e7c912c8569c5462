using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;
using KubeSync.Testing.Emulation;

using Xunit.Abstractions;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// The fake API server, the emulator with pods in their own network namespaces, and the real operator process: a
/// cluster that runs SyncGroups. Every wait is a condition with a deadline whose failure message carries the
/// operator's log, the emulator's journal with every container's output, the SyncGroup and the Deployment.
/// </summary>
internal sealed class OperatedCluster : IAsyncDisposable
{
    public const string Namespace = "default";

    private readonly EmulatedCluster _cluster;
    private readonly TempDirectory _directory;
    private OperatorProcess? _operator;

    private OperatedCluster(EmulatedCluster cluster, TempDirectory directory)
    {
        _cluster = cluster;
        _directory = directory;
    }

    public KubeApiClient Client => _cluster.Client;

    public ClusterEmulator Emulator => _cluster.Emulator;

    public OperatorProcess Operator => _operator ?? throw new InvalidOperationException("the operator is not running");

    public ResourceClient<SyncGroup> Groups => Client.Resource(SyncGroupResources.SyncGroups);

    /// <summary>The last SyncGroup and Deployment a wait read, as JSON, for failure messages.</summary>
    public string LastSeen { get; private set; } = "(nothing read yet)";

    public static async Task<OperatedCluster> StartAsync(ITestOutputHelper output, string sidecarImage)
    {
        var cluster = await EmulatedCluster.StartAsync(output, new EmulatorOptions { Network = NetworkMode.Namespaces, DisposeGracePeriod = TimeSpan.FromSeconds(2) });
        var operated = new OperatedCluster(cluster, new TempDirectory("kubesync-operator"));
        try
        {
            operated._operator = await OperatorProcess.StartAsync(cluster.Server, operated._directory.Path, sidecarImage, output.WriteLine);
        }
        catch
        {
            await operated.DisposeAsync();
            throw;
        }

        return operated;
    }

    /// <summary>Polls <paramref name="condition"/>; on timeout the failure says what was awaited and shows everything there is to see.</summary>
    public async Task EventuallyAsync(Func<Task<bool>> condition, string what, TimeSpan? timeout = null) =>
        await Eventually.TrueAsync(condition, () => Describe(what), timeout ?? TimeSpan.FromSeconds(120));

    public string Describe(string what) =>
        $"{what}\n===== last seen\n{LastSeen}\n===== operator\n{_operator?.Log}\n===== emulator\n{Emulator.Describe()}";

    /// <summary>The SyncGroup, or null when it is gone; remembered for failure messages.</summary>
    public async Task<SyncGroup?> GroupAsync(string name)
    {
        try
        {
            var group = await Groups.GetAsync(Namespace, name, CancellationToken.None).WithTimeout($"get SyncGroup {name}");
            LastSeen = $"SyncGroup {name}:\n{JsonSerializer.Serialize(group, SyncGroupJsonContext.Default.SyncGroup)}";
            return group;
        }
        catch (KubeNotFoundException)
        {
            LastSeen = $"SyncGroup {name}: gone";
            return null;
        }
    }

    /// <summary>The Deployment's pod template as JSON; remembered for failure messages.</summary>
    public async Task<JsonObject> PodTemplateAsync(string deployment)
    {
        var found = await Client.Resource(KubeResources.Generic(ResourceKind.Deployments)).GetAsync(Namespace, deployment, CancellationToken.None).WithTimeout($"get Deployment {deployment}");
        var json = JsonSerializer.SerializeToNode(found, KubeJsonContext.Default.KubeObject)!.AsObject();
        LastSeen = $"Deployment {deployment}:\n{json.ToJsonString(new JsonSerializerOptions { WriteIndented = true })}";
        return json;
    }

    /// <summary>
    /// Waits until exactly <paramref name="count"/> pods labelled <paramref name="selector"/> exist (none terminating)
    /// and are Ready in the API, with <paramref name="container"/> running on the node (and <paramref name="alsoTrue"/>
    /// true of each); returns them by name.
    /// </summary>
    public async Task<List<EmulatedPod>> WaitReadyPodsAsync(string selector, int count, string container, Func<EmulatedPod, bool>? alsoTrue = null)
    {
        List<EmulatedPod> ready = [];
        await EventuallyAsync(async () =>
        {
            var pods = (await Client.Resource(KubeResources.Pods).ListAllAsync(Namespace, new ListOptions { LabelSelector = selector }, CancellationToken.None)).Items;
            var readyNames = pods.Where(p => p.Metadata.DeletionTimestamp is null && IsReady(p)).Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            ready = [.. Emulator.Pods.Where(p => readyNames.Contains(p.Name) && !p.IsTerminating && p.ProcessId(container) is not null && (alsoTrue?.Invoke(p) ?? true)).OrderBy(p => p.Name, StringComparer.Ordinal)];
            return pods.Count == count && readyNames.Count == count && ready.Count == count;
        }, $"{count} pods {selector} Ready with {container} running");
        return ready;
    }

    public static bool IsReady(Pod pod) =>
        (pod.Status?["conditions"] as JsonArray)?.Any(c => c!["type"]!.GetValue<string>() == "Ready" && c["status"]!.GetValue<string>() == "True") == true;

    /// <summary>Waits until <paramref name="relative"/> in <paramref name="pod"/>'s <paramref name="volume"/> holds <paramref name="content"/>.</summary>
    public Task WaitFileAsync(EmulatedPod pod, string volume, string relative, string content)
    {
        var path = Path.Combine(pod.VolumePath(volume)!, relative);
        return EventuallyAsync(() => Task.FromResult(File.Exists(path) && File.ReadAllText(path) == content), $"{relative} with the expected content in {pod.Name}", TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        await _cluster.DisposeAsync();
        _directory.Dispose();
    }
}
