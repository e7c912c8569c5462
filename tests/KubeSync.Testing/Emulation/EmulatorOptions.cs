namespace KubeSync.Testing.Emulation;

/// <summary>How a <see cref="ClusterEmulator"/> behaves; the defaults are Kubernetes' own where it has one.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Which images run as real processes; others pretend to run.</summary>
    public ImageTable Images { get; init; } = ImageTable.Default();

    public NetworkMode Network { get; init; } = NetworkMode.Auto;

    /// <summary>The one emulated node: pods are scheduled here, DaemonSets run one pod here.</summary>
    public string NodeName { get; init; } = "emulated-node";

    /// <summary>Only this namespace is emulated; null: all.</summary>
    public string? Namespace { get; init; }

    /// <summary>The first crash-loop back-off (Kubernetes: 10 s, doubling up to <see cref="MaxRestartBackoff"/>).</summary>
    public TimeSpan RestartBackoff { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan MaxRestartBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// Probes run at most this far apart even when a probe asks for a longer period (a deliberate speed-up for tests;
    /// null keeps each probe's own <c>periodSeconds</c>).
    /// </summary>
    public TimeSpan? MaxProbePeriod { get; init; }

    /// <summary>How often every controller runs even without a watch event (status refresh, retries).</summary>
    public TimeSpan Resync { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>On dispose, containers get SIGTERM and this long before SIGKILL (zero: SIGKILL at once, as a node crash).</summary>
    public TimeSpan DisposeGracePeriod { get; init; } = TimeSpan.Zero;

    /// <summary>Each line of the emulator's journal and of every container's output, as it happens (a test's output helper).</summary>
    public Action<string>? Log { get; init; }
}
