using System.Text.Json;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// One pod on the emulated node, from sandbox to teardown: network (its own IP), volumes (waiting for missing
/// ConfigMaps and Secrets as the kubelet does, in ContainerCreating), init containers in order (plain ones to
/// completion, native sidecars until started), then the app containers together; status through the status
/// subresource whenever something changes; on termination app containers first, then sidecars in reverse order,
/// all within the grace period.
/// </summary>
internal sealed partial class PodWorker : IDisposable
{
    private readonly KubeApiClient _api;
    private readonly IPodNetwork _network;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<ContainerRunner> _runners = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _snapshotChanged = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _run = Task.CompletedTask;
    private ClusterSnapshot _snapshot;
    private PodSandbox? _sandbox;
    private string? _waitingFor;
    private bool _initialized;
    private Task? _termination;
    private readonly Action<string> _failed;

    public PodWorker(KubeApiClient api, IPodNetwork network, Pod pod, ClusterSnapshot snapshot, EmulatorContext context)
    {
        _api = api;
        _network = network;
        Pod = pod;
        _snapshot = snapshot;
        Options = context.Options;
        Journal = context.Journal;
        Targets = context.Targets;
        _failed = context.Failed;
        NodeName = context.Options.NodeName;
        Directory = Path.Combine(context.Directory, "pods", $"{pod.Metadata.Namespace}_{pod.Metadata.Name}_{pod.Metadata.Uid}");
        Volumes = new PodVolumes(Directory, Path.Combine(context.Directory, "claims"), pod);
        _statusLoop = Task.CompletedTask;
    }

    public Pod Pod { get; private set; }

    public string Name => $"{Pod.Metadata.Namespace}/{Pod.Metadata.Name}";

    public string Uid => Pod.Metadata.Uid!;

    public EmulatorOptions Options { get; }

    public EmulatorJournal Journal { get; }

    public HostMountTargets Targets { get; }

    public string NodeName { get; }

    public string HostIP => _network.HostIP;

    public string Directory { get; }

    public PodVolumes Volumes { get; }

    /// <summary>The PID namespace all containers share (<c>shareProcessNamespace: true</c>, as root), or null: each container run has its own.</summary>
    public ProcessNamespace? SharedProcesses { get; private set; }

    public PodSandbox Sandbox => _sandbox ?? throw new InvalidOperationException($"pod {Name} has no sandbox yet");

    /// <summary>The pod's IP once its sandbox exists.</summary>
    public string? IP => _sandbox?.IP;

    public ClusterSnapshot Snapshot => Volatile.Read(ref _snapshot);

    public bool IsTerminating => _termination is not null;

    public string RestartPolicy => Extra("restartPolicy") ?? "Always";

    public TimeSpan GracePeriod =>
        TimeSpan.FromSeconds(Pod.Spec?.AdditionalProperties?.TryGetValue("terminationGracePeriodSeconds", out var g) == true && g.ValueKind == JsonValueKind.Number ? g.GetInt64() : 30);

    public IReadOnlyList<ContainerRunner> Containers
    {
        get
        {
            lock (_lock)
            {
                return [.. _runners];
            }
        }
    }

    /// <summary>After termination: the runners and the worker's own handles.</summary>
    public void Dispose()
    {
        foreach (var runner in Containers)
        {
            runner.Dispose();
        }

        SharedProcesses?.Dispose();
        _stopping.Dispose();
        _statusChanged.Dispose();
    }

    public void Start() => _run = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>A newer view of the cluster: volumes re-synced (ConfigMap and Secret changes), waiting containers retried.</summary>
    public void Update(Pod pod, ClusterSnapshot snapshot)
    {
        Pod = pod;
        Volatile.Write(ref _snapshot, snapshot);
        if (_sandbox is not null && _waitingFor is null)
        {
            try
            {
                Volumes.Sync(pod, snapshot, name => Journal.Write($"kubelet: {Name} volume {name} updated (..data swapped)"));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Journal.Write($"kubelet: {Name} volume update failed: {e.Message}");
            }
        }

        Interlocked.Exchange(ref _snapshotChanged, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>Waits for the next <see cref="Update"/> or <paramref name="timeout"/>.</summary>
    public async Task WaitForSnapshotAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _snapshotChanged).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
        }
    }

    /// <summary>A line of a container's output, for the journal sink.</summary>
    public void Output(string line)
    {
        try
        {
            Options.Log?.Invoke(line);
        }
        catch (InvalidOperationException)
        {
            // The test that owned the output helper is over.
        }
    }

    /// <summary>Stops the pod (once): containers get <paramref name="grace"/> between SIGTERM and SIGKILL; the network goes.</summary>
    public Task TerminateAsync(TimeSpan grace)
    {
        lock (_lock)
        {
            return _termination ??= Task.Run(() => StopAsync(grace));
        }
    }

    private string? Extra(string key) =>
        Pod.Spec?.AdditionalProperties?.TryGetValue(key, out var v) == true && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
}
