using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Kubelet;

/// <summary>
/// One container of an emulated pod: starts its process (or pretends, for an image not in the table), runs its
/// probes, restarts it after a crash or a failed liveness or startup probe with the kubelet's back-off (doubling from
/// <see cref="EmulatorOptions.RestartBackoff"/>, reset after ten minutes of running), and stops it with SIGTERM, the
/// grace period, then SIGKILL. Its state is what the pod's status reports.
/// </summary>
internal sealed partial class ContainerRunner : IDisposable
{
    private static readonly TimeSpan BackoffReset = TimeSpan.FromMinutes(10);

    private readonly PodWorker _pod;
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<int> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Lock _lock = new();
    private Task _run = Task.CompletedTask;
    private TimeSpan _grace = TimeSpan.FromSeconds(30);
    private JsonObject _state = Waiting("ContainerCreating", null);
    private JsonObject? _lastState;
    private int _restarts;
    private bool _isStarted;
    private bool _isReady;
    private string? _containerId;

    public ContainerRunner(PodWorker pod, Container container, ContainerKind kind)
    {
        _pod = pod;
        Container = container;
        Kind = kind;
        Image = pod.Options.Images.Find(container.Image);
    }

    public Container Container { get; }

    public string Name => Container.Name!;

    public ContainerKind Kind { get; }

    /// <summary>The host stand-in, or null: the container pretends to run.</summary>
    public ContainerImage? Image { get; }

    /// <summary>What the container printed, restarts marked.</summary>
    public CapturedOutput Log { get; } = new();

    /// <summary>Completes the first time the container counts as started (its startup probe passed).</summary>
    public Task Started => _started.Task;

    /// <summary>Completes with the exit code when the container will not run again (an init container's success, or no restart).</summary>
    public Task<int> Finished => _finished.Task;

    /// <summary>The running process's id, or null.</summary>
    public int? ProcessId
    {
        get
        {
            lock (_lock)
            {
                return _process is { HasExited: false } ? _mainPid : null;
            }
        }
    }

    public bool IsReady
    {
        get
        {
            lock (_lock)
            {
                return _isReady;
            }
        }
    }

    public bool IsRunning
    {
        get
        {
            lock (_lock)
            {
                return _state.ContainsKey("running");
            }
        }
    }

    public void Dispose() => _stop.Dispose();

    public void Start() => _run = Task.Run(() => RunAsync(_stop.Token));

    /// <summary>SIGTERM, <paramref name="grace"/>, SIGKILL; returns when the loop is done.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        _grace = grace;
        await _stop.CancelAsync();
        await _run.WaitAsync(grace + TimeSpan.FromSeconds(30));
    }

    /// <summary>The container's entry of <c>containerStatuses</c> / <c>initContainerStatuses</c>.</summary>
    public JsonObject Status()
    {
        lock (_lock)
        {
            var status = new JsonObject
            {
                ["name"] = Name,
                ["image"] = Container.Image,
                ["imageID"] = Image is null ? "" : $"emulated://{Image.Name}",
                ["ready"] = _isReady,
                ["restartCount"] = _restarts,
                ["started"] = _isStarted,
                ["state"] = _state.DeepClone(),
                ["lastState"] = _lastState?.DeepClone() ?? new JsonObject(),
            };
            if (_containerId is not null)
            {
                status["containerID"] = _containerId;
            }

            return status;
        }
    }

    private async Task RunAsync(CancellationToken stop)
    {
        var crashes = 0;
        while (!stop.IsCancellationRequested)
        {
            var outcome = await RunOnceAsync(stop);
            if (outcome is not { } ran)
            {
                continue; // not startable yet (config error), already waited
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            if ((Kind == ContainerKind.Init && ran.ExitCode == 0) || !ShouldRestart(ran.ExitCode))
            {
                _finished.TrySetResult(ran.ExitCode);
                _pod.Changed();
                return;
            }

            crashes = ran.Duration >= BackoffReset ? 1 : crashes + 1;
            var delay = TimeSpan.FromTicks(Math.Min(_pod.Options.MaxRestartBackoff.Ticks, _pod.Options.RestartBackoff.Ticks << Math.Min(crashes - 1, 20)));
            SetState(Waiting("CrashLoopBackOff", $"back-off {delay.TotalSeconds:0.###}s restarting failed container={Name} pod={_pod.Name}"), ready: false);
            _pod.Journal.Write($"kubelet: {_pod.Name}/{Name} exited {ran.ExitCode}; restarting in {delay.TotalSeconds:0.###} s");
            try
            {
                await Task.Delay(delay, stop);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            lock (_lock)
            {
                _restarts++;
            }
        }

        _finished.TrySetResult(-1);
    }

    private bool ShouldRestart(int exitCode) => Kind == ContainerKind.Sidecar || _pod.RestartPolicy switch
    {
        "Never" => false,
        "OnFailure" => exitCode != 0,
        _ => true,
    };

    private void SetState(JsonObject state, bool? ready = null, bool? started = null, string? containerId = null)
    {
        lock (_lock)
        {
            if (_state.ContainsKey("terminated") && !state.ContainsKey("terminated"))
            {
                _lastState = _state;
            }

            _state = state;
            _isReady = ready ?? _isReady;
            _isStarted = started ?? _isStarted;
            _containerId = containerId ?? _containerId;
        }

        if (started == true)
        {
            _started.TrySetResult();
        }

        _pod.Changed();
    }

    private void SetProbeResult(bool? ready = null, bool? started = null)
    {
        lock (_lock)
        {
            if ((ready is null || ready == _isReady) && (started is null || started == _isStarted))
            {
                return;
            }

            _isReady = ready ?? _isReady;
            _isStarted = started ?? _isStarted;
        }

        if (started == true)
        {
            _started.TrySetResult();
        }

        _pod.Changed();
    }

    private static JsonObject Waiting(string reason, string? message) =>
        new() { ["waiting"] = message is null ? new JsonObject { ["reason"] = reason } : new JsonObject { ["reason"] = reason, ["message"] = message } };
}
