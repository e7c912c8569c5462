using KubeSync.Testing.Emulation.Kubelet;


namespace KubeSync.Testing.Emulation;

/// <summary>A pod running on the emulated node, as a test sees it: its IP, its volumes on the host, its containers.</summary>
public sealed class EmulatedPod
{
    private readonly PodWorker _worker;

    internal EmulatedPod(PodWorker worker)
    {
        _worker = worker;
    }

    public string Namespace => _worker.Pod.Metadata.Namespace!;

    public string Name => _worker.Pod.Metadata.Name!;

    public string Uid => _worker.Uid;

    /// <summary>The pod IP, or null before its sandbox exists.</summary>
    public string? IP => _worker.IP;

    /// <summary>The network namespace (<c>ip netns</c> name) with namespace networking, else null.</summary>
    public string? NetworkNamespace => _worker.IP is null ? null : _worker.Sandbox.NetworkNamespace;

    public bool IsTerminating => _worker.IsTerminating;

    /// <summary>The host directory behind volume <paramref name="volume"/> (write a file "into the pod" here), or null.</summary>
    public string? VolumePath(string volume) => _worker.Volumes.PathOf(volume);

    /// <summary>The container's main process id while it runs (null for a pretend container).</summary>
    public int? ProcessId(string container) => Runner(container)?.ProcessId;

    /// <summary>How often the container was restarted.</summary>
    public int RestartCount(string container) => Runner(container)?.Status()["restartCount"]?.GetValue<int>() ?? 0;

    /// <summary>What the container printed so far, across restarts.</summary>
    public string Log(string container) => Runner(container)?.Log.Text ?? "";

    /// <summary>Runs <paramref name="command"/> inside the container (its mount, UTS and network namespaces, its environment).</summary>
    public async Task<(int ExitCode, string Stdout, string Stderr)> ExecAsync(string container, IReadOnlyList<string> command, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var runner = Runner(container) ?? throw new InvalidOperationException($"pod {Namespace}/{Name} has no started container {container}");
        var result = await runner.ExecAsync(command, cancellationToken, timeout);
        return (result.ExitCode, result.Stdout, result.Stderr);
    }

    /// <summary>Every container's output, for a failure message.</summary>
    public string DescribeLogs() =>
        string.Join("\n", _worker.Containers.Select(r => $"----- {Namespace}/{Name}/{r.Name}\n{r.Log.Text}"));

    private ContainerRunner? Runner(string container) => _worker.Containers.LastOrDefault(r => r.Name == container);
}
