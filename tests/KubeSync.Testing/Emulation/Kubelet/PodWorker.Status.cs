using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>The pod's status as the kubelet writes it, through the status subresource, whenever it changes.</summary>
internal sealed partial class PodWorker
{
    private readonly SemaphoreSlim _statusChanged = new(0, 1);
    private readonly Dictionary<string, (string Status, string Time)> _conditions = new(StringComparer.Ordinal);
    private readonly string _startTime = ContainerRunner.Time(DateTimeOffset.UtcNow);
    private Task _statusLoop;
    private JsonObject? _written;
    private bool _statusFinal;

    /// <summary>Something in the pod's state changed: the status loop writes it (coalesced).</summary>
    public void Changed()
    {
        try
        {
            _statusChanged.Release();
        }
        catch (SemaphoreFullException)
        {
            // A write is already due; it will read the newest state.
        }
        catch (ObjectDisposedException)
        {
            // The pod is gone; a late report from a container changes nothing.
        }
    }

    /// <summary>Writes the status whenever it changed, until <see cref="FinishStatusAsync"/>: the last write shows the terminated states.</summary>
    private async Task StatusLoopAsync()
    {
        while (true)
        {
            await _statusChanged.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None);
            var last = Volatile.Read(ref _statusFinal);
            var status = Build();
            if (!JsonNode.DeepEquals(status, _written))
            {
                try
                {
                    var patch = new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "/status", ["value"] = status });
                    await _api.Resource(KubeResources.Pods).PatchStatusAsync(Pod.Metadata.Namespace, Pod.Metadata.Name!, PatchType.Json, patch, CancellationToken.None);
                    _written = status;
                }
                catch (KubeNotFoundException)
                {
                    return;
                }
                catch (Exception e) when (e is KubeApiException or HttpRequestException or TaskCanceledException or ObjectDisposedException)
                {
                    Journal.Write($"kubelet: {Name} status write failed: {e.Message}");
                    if (last)
                    {
                        return;
                    }

                    await Task.Delay(200, CancellationToken.None);
                    Changed();
                }
            }

            if (last)
            {
                return;
            }
        }
    }

    /// <summary>Writes the status one last time and ends the loop.</summary>
    private async Task FinishStatusAsync()
    {
        Volatile.Write(ref _statusFinal, true);
        Changed();
        await _statusLoop.WaitAsync(TimeSpan.FromSeconds(30));
    }

    private JsonObject Build()
    {
        var runners = Containers;
        var apps = runners.Where(r => r.Kind == ContainerKind.App).ToList();
        var sidecars = runners.Where(r => r.Kind == ContainerKind.Sidecar).ToList();
        var appCount = Pod.Spec?.Containers?.Count ?? 0;
        var containersReady = _initialized && apps.Count == appCount && apps.All(r => r.IsReady) && sidecars.All(r => r.IsReady) && !IsTerminating;
        var status = new JsonObject
        {
            ["phase"] = Phase(runners, apps, appCount),
            ["conditions"] = new JsonArray(
                Condition("PodReadyToStartContainers", _sandbox is not null),
                Condition("Initialized", _initialized),
                Condition("Ready", containersReady),
                Condition("ContainersReady", containersReady),
                Condition("PodScheduled", true)),
            ["hostIP"] = HostIP,
            ["hostIPs"] = new JsonArray(new JsonObject { ["ip"] = HostIP }),
            ["startTime"] = _startTime,
            ["qosClass"] = "BestEffort",
        };
        if (_sandbox is not null)
        {
            status["podIP"] = _sandbox.IP;
            status["podIPs"] = new JsonArray(new JsonObject { ["ip"] = _sandbox.IP });
        }

        var inits = (Pod.Spec?.InitContainers ?? []).Select(c => runners.FirstOrDefault(r => r.Name == c.Name)?.Status() ?? Pending(c));
        var containers = (Pod.Spec?.Containers ?? []).Select(c => runners.FirstOrDefault(r => r.Name == c.Name)?.Status() ?? Pending(c));
        if (Pod.Spec?.InitContainers is { Count: > 0 })
        {
            status["initContainerStatuses"] = new JsonArray([.. inits]);
        }

        status["containerStatuses"] = new JsonArray([.. containers]);
        return status;
    }

    private string Phase(IReadOnlyList<ContainerRunner> runners, List<ContainerRunner> apps, int appCount)
    {
        if (runners.Any(r => r.Kind == ContainerKind.Init && r.Finished.IsCompleted && r.Finished.Result != 0))
        {
            return "Failed";
        }

        if (!_initialized || apps.Count < appCount || apps.All(r => !r.IsRunning && !r.Finished.IsCompleted))
        {
            return "Pending";
        }

        if (apps.All(r => r.Finished.IsCompleted) && !IsTerminating)
        {
            return apps.All(r => r.Finished.Result == 0) ? "Succeeded" : "Failed";
        }

        return "Running";
    }

    private JsonObject Condition(string type, bool value)
    {
        var text = value ? "True" : "False";
        if (!_conditions.TryGetValue(type, out var known) || known.Status != text)
        {
            known = (text, ContainerRunner.Time(DateTimeOffset.UtcNow));
            _conditions[type] = known;
        }

        var condition = new JsonObject { ["type"] = type, ["status"] = text, ["lastProbeTime"] = null, ["lastTransitionTime"] = known.Time };
        if (!value && type is "Ready" or "ContainersReady")
        {
            condition["reason"] = "ContainersNotReady";
        }

        return condition;
    }

    private JsonObject Pending(Container container)
    {
        var reason = _waitingFor is null ? "PodInitializing" : "ContainerCreating";
        var waiting = new JsonObject { ["reason"] = reason };
        if (_waitingFor is not null)
        {
            waiting["message"] = _waitingFor;
        }

        return new JsonObject
        {
            ["name"] = container.Name,
            ["image"] = container.Image,
            ["imageID"] = "",
            ["ready"] = false,
            ["restartCount"] = 0,
            ["started"] = false,
            ["state"] = new JsonObject { ["waiting"] = waiting },
            ["lastState"] = new JsonObject(),
        };
    }
}
