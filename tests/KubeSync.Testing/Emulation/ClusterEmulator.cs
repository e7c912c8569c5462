using System.Text;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Kubernetes.Watching;

using KubeSync.Testing.Emulation.Controllers;
using KubeSync.Testing.Emulation.Kubelet;
using KubeSync.Testing.Emulation.Networking;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Testing.Emulation;

/// <summary>
/// A small cluster for tests, against an API server (the fake) through our client: the Deployment, ReplicaSet,
/// StatefulSet and DaemonSet controllers, a garbage collector for their pods, a one-node scheduler, and a kubelet
/// that runs pods' containers as real processes (see <see cref="ImageTable"/>), each pod with its own IP (its own
/// network namespace when root), volumes, <c>/etc/hosts</c> for headless Services, probes and status. Every watch event
/// (and <see cref="EmulatorOptions.Resync"/>) triggers one pass over a fresh listing. Disposing stops every process and
/// removes namespaces, links, mount points and temp directories.
/// </summary>
public sealed class ClusterEmulator : IAsyncDisposable
{
    private readonly KubeApiClient _api;
    private readonly IPodNetwork _network;
    private readonly EmulatorJournal _journal;
    private readonly TempDirectory _directory = new("kubesync-emulator-");
    private readonly HostMountTargets _targets = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly EmulatedKubelet _kubelet;
    private readonly ControllerContext _controllers;
    private readonly List<Task> _loops = [];
    private int _disposed;

    private ClusterEmulator(KubeApiClient api, EmulatorOptions options, IPodNetwork network, EmulatorJournal journal)
    {
        _api = api;
        Options = options;
        _network = network;
        _journal = journal;
        _controllers = new ControllerContext(api, options, journal);
        _kubelet = new EmulatedKubelet(api, network, new EmulatorContext(options, journal, _targets, _directory.Path, Fail));
    }

    public EmulatorOptions Options { get; }

    /// <summary>The networking in use (<see cref="NetworkMode.Auto"/> resolved).</summary>
    public NetworkMode Network => _network.Mode;

    /// <summary>The pods running on the emulated node now.</summary>
    public IReadOnlyList<EmulatedPod> Pods => [.. _kubelet.Workers.Select(w => new EmulatedPod(w))];

    /// <summary>Passes that failed (an API error, a bug): a test can assert there were none.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    private readonly List<string> _errors = [];

    private void Fail(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    /// <summary>The running pod <paramref name="ns"/>/<paramref name="name"/>, or null.</summary>
    public EmulatedPod? FindPod(string ns, string name) => Pods.FirstOrDefault(p => p.Namespace == ns && p.Name == name && !p.IsTerminating);

    /// <summary>Starts the emulator; it runs until disposed.</summary>
    public static async Task<ClusterEmulator> StartAsync(KubeApiClient api, EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(api);
        options ??= new EmulatorOptions();
        var journal = new EmulatorJournal(options.Log);
        var mode = options.Network == NetworkMode.Auto ? (NetworkCapabilities.CanUseNamespaces() ? NetworkMode.Namespaces : NetworkMode.Loopback) : options.Network;
        IPodNetwork network = mode == NetworkMode.Namespaces ? await BridgeNetwork.StartAsync(cancellationToken) : new LoopbackNetwork(NetworkCapabilities.IsRoot);
        var emulator = new ClusterEmulator(api, options, network, journal);
        journal.Write($"emulator: node {options.NodeName}, {mode} networking (node IP {network.HostIP}), temp {emulator._directory.Path}");
        emulator.StartWatches();
        emulator._loops.Add(Task.Run(emulator.LoopAsync, CancellationToken.None));
        return emulator;
    }

    /// <summary>The journal (what the controllers and the kubelet did) and every container's output, for a failure message.</summary>
    public string Describe()
    {
        var text = new StringBuilder(_journal.Text);
        foreach (var pod in Pods)
        {
            text.AppendLine(pod.DescribeLogs());
        }

        return text.ToString();
    }

    /// <summary>
    /// The id in the names of the bridge (<c>ksb{id}</c>), veths (<c>ksv{id}{n}</c>) and network namespaces
    /// (<c>ks{id}-{n}</c>) of namespace networking.
    /// </summary>
    public string NetworkId => _network.Id;

    /// <summary>The emulator's temp directory (pod directories, volumes, claims); removed on dispose.</summary>
    public string Directory => _directory.Path;

    /// <summary>Host paths the emulator created as mount points and has not removed yet.</summary>
    public IReadOnlyList<string> CreatedMountTargets => _targets.Created;

    private void StartWatches()
    {
        Watch(KubeResources.Pods);
        Watch(KubeResources.Deployments);
        Watch(EmulatedResources.ReplicaSets);
        Watch(KubeResources.StatefulSets);
        Watch(KubeResources.DaemonSets);
        Watch(KubeResources.Services);
        Watch(KubeResources.ConfigMaps);
        Watch(KubeResources.Secrets);
    }

    private void Watch<T>(ResourceType<T> type)
        where T : KubeObject
    {
        var reflector = new Reflector<T>(
            _api.Resource(type),
            new ReflectorOptions { Namespace = Options.Namespace, MinBackoff = TimeSpan.FromMilliseconds(100), MaxBackoff = TimeSpan.FromSeconds(2) },
            (_, _) =>
            {
                Wake();
                return ValueTask.CompletedTask;
            },
            _api.TimeProvider,
            NullLogger<Reflector<T>>.Instance);
        _loops.Add(Task.Run(() => reflector.RunAsync(_stop.Token), CancellationToken.None));
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A pass is already due.
        }
    }

    private async Task LoopAsync()
    {
        var gc = new GarbageCollector(_controllers);
        var deployments = new DeploymentController(_controllers);
        var replicaSets = new ReplicaSetController(_controllers);
        var statefulSets = new StatefulSetController(_controllers);
        var daemonSets = new DaemonSetController(_controllers);
        var scheduler = new Scheduler(_controllers);
        var ct = _stop.Token;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await _wake.WaitAsync(Options.Resync, ct);

                // Events come in bursts (a write, its status, the next controller's reaction): gather them into one pass.
                await Task.Delay(10, ct);
                var snapshot = await ClusterSnapshot.ListAsync(_api, Options.Namespace, ct);
                await gc.ReconcileAsync(snapshot, ct);
                await deployments.ReconcileAsync(snapshot, ct);
                await replicaSets.ReconcileAsync(snapshot, ct);
                await statefulSets.ReconcileAsync(snapshot, ct);
                await daemonSets.ReconcileAsync(snapshot, ct);
                await scheduler.ReconcileAsync(snapshot, ct);
                await _kubelet.SyncAsync(snapshot, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e)
            {
                // A conflict or a transient error is retried by the next pass; anything else is kept for the test to see.
                _journal.Write($"emulator: pass failed: {e.GetType().Name}: {e.Message}");
                if (e is not (KubeConflictException or KubeAlreadyExistsException or KubeNotFoundException))
                {
                    Fail(e.ToString());
                }

                await Task.Delay(100, CancellationToken.None);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        await _stop.CancelAsync();
        await Task.WhenAll(_loops).ContinueWith(_ => { }, TaskScheduler.Default).WaitAsync(TimeSpan.FromSeconds(30));
        try
        {
            await _kubelet.StopAllAsync();
        }
        finally
        {
            await _network.DisposeAsync();
            _targets.Remove();
            _directory.Dispose();
            _journal.Write("emulator: disposed");
            _stop.Dispose();
            _wake.Dispose();
        }
    }
}
