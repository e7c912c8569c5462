using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using KubeSync.Testing.Emulation.Controllers;
using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// The kubelet of the emulated node: admits every pod bound to the node (adding a finalizer, so that deleting a pod
/// leaves it Terminating until its containers are stopped, as a real pod's graceful deletion does), runs it in a
/// <see cref="PodWorker"/>, keeps its volumes and <c>/etc/hosts</c> current, and on deletion stops it within
/// <c>terminationGracePeriodSeconds</c> and releases the finalizer.
/// </summary>
internal sealed class EmulatedKubelet(KubeApiClient api, IPodNetwork network, EmulatorContext context)
{
    /// <summary>Stands in for the API server's graceful pod deletion, which the fake does not have.</summary>
    public const string Finalizer = "emulation.kubesync.io/kubelet";

    private readonly Dictionary<string, PodWorker> _workers = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private readonly List<Task> _terminations = [];

    public IReadOnlyList<PodWorker> Workers
    {
        get
        {
            lock (_lock)
            {
                return [.. _workers.Values];
            }
        }
    }

    public async Task SyncAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        var pods = snapshot.Pods.Where(p => Scheduler.NodeName(p) == context.Options.NodeName).ToList();
        foreach (var pod in pods)
        {
            PodWorker? worker;
            lock (_lock)
            {
                _workers.TryGetValue(pod.Metadata.Uid!, out worker);
            }

            if (worker is not null)
            {
                worker.Update(pod, snapshot);
                if (PodFacts.IsTerminating(pod))
                {
                    Terminate(worker, worker.GracePeriod);
                }
            }
            else if (PodFacts.IsTerminating(pod))
            {
                await ReleaseAsync(pod, cancellationToken);
            }
            else if (PodFacts.Phase(pod) is not ("Succeeded" or "Failed"))
            {
                await AdmitAsync(pod, snapshot, cancellationToken);
            }
        }

        var present = pods.Select(p => p.Metadata.Uid).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in Workers.Where(w => !present.Contains(w.Uid)))
        {
            // Deleted without our finalizer (it was removed by hand, or the pod was made with grace 0).
            Terminate(gone, gone.GracePeriod);
        }

        foreach (var worker in Workers.Where(w => w.IP is not null && !w.IsTerminating))
        {
            worker.WriteEtcFiles(ServiceHosts.Render(worker.Pod, worker.IP!, snapshot));
        }
    }

    /// <summary>Stops every pod (<see cref="EmulatorOptions.DisposeGracePeriod"/>) and waits for all terminations.</summary>
    public async Task StopAllAsync()
    {
        foreach (var worker in Workers)
        {
            Terminate(worker, context.Options.DisposeGracePeriod);
        }

        Task[] pending;
        lock (_lock)
        {
            pending = [.. _terminations];
        }

        await Task.WhenAll(pending).WaitAsync(context.Options.DisposeGracePeriod + TimeSpan.FromSeconds(60));
    }

    private async Task AdmitAsync(Pod pod, ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        if (!(pod.Metadata.Finalizers ?? []).Contains(Finalizer))
        {
            var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray([.. (pod.Metadata.Finalizers ?? []).Append(Finalizer).Select(f => (JsonNode)f!)]), ["resourceVersion"] = pod.Metadata.ResourceVersion } };
            try
            {
                pod = await api.Resource(KubeResources.Pods).PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name!, PatchType.Merge, patch, cancellationToken);
            }
            catch (Exception e) when (e is KubeConflictException or KubeNotFoundException)
            {
                return; // Changed or gone meanwhile: the next pass looks again.
            }
        }

        var worker = new PodWorker(api, network, pod, snapshot, context);
        lock (_lock)
        {
            _workers[pod.Metadata.Uid!] = worker;
        }

        context.Journal.Write($"kubelet: admitted {worker.Name}");
        worker.Start();
    }

    private void Terminate(PodWorker worker, TimeSpan grace)
    {
        if (worker.IsTerminating)
        {
            return;
        }

        var termination = Task.Run(async () =>
        {
            try
            {
                await worker.TerminateAsync(grace);
            }
            finally
            {
                lock (_lock)
                {
                    _workers.Remove(worker.Uid);
                }

                await ReleaseAsync(worker.Pod, CancellationToken.None);
                worker.Dispose();
            }
        });
        lock (_lock)
        {
            _terminations.Add(termination);
        }
    }

    /// <summary>Removes the kubelet's finalizer: the API server then deletes the pod for good.</summary>
    private async Task ReleaseAsync(Pod pod, CancellationToken cancellationToken)
    {
        var pods = api.Resource(KubeResources.Pods);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            try
            {
                var current = await pods.FindAsync(pod.Metadata.Namespace, pod.Metadata.Name!, cancellationToken);
                if (current is null || current.Metadata.Uid != pod.Metadata.Uid || current.Metadata.Finalizers?.Contains(Finalizer) != true || current.Metadata.DeletionTimestamp is null)
                {
                    return;
                }

                var rest = current.Metadata.Finalizers.Where(f => f != Finalizer).Select(f => (JsonNode)f!);
                var patch = new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = new JsonArray([.. rest]), ["resourceVersion"] = current.Metadata.ResourceVersion } };
                await pods.PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name!, PatchType.Merge, patch, cancellationToken);
                return;
            }
            catch (KubeConflictException)
            {
                // Someone wrote the pod meanwhile: read it again.
            }
            catch (Exception e) when (e is KubeApiException or HttpRequestException or ObjectDisposedException)
            {
                context.Journal.Write($"kubelet: could not release {pod.Metadata.Namespace}/{pod.Metadata.Name}: {e.Message}");
                return;
            }
        }
    }
}
