using System.Diagnostics;
using System.Net;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Metrics;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Scanning;
using KubeSync.Engine.Watching;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// <c>kubesync run</c>: every configured group opened, scanned on start and every <c>timing.rescan</c> (and on
/// demand), served to and synced with its peers. Startup problems (a bad key, certificate or listen address) are
/// <see cref="ConfigException"/>s naming the key, thrown before anything runs.
/// </summary>
public sealed partial class SyncDaemon : IAsyncDisposable
{
    private volatile KubeSyncConfig _config;
    private readonly ILogger _log;
    /// <summary>How often the rescan loop reports progress while it waits.</summary>
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a loop may go without progress before /healthz calls it hung (a full scan of a big tree included).</summary>
    private static readonly TimeSpan MaxLoopSilence = TimeSpan.FromMinutes(10);

    private readonly SemaphoreSlim _scanRequested = new(0, 1);
    private readonly ILoggerFactory _loggers;
    private readonly Dictionary<string, InotifyWatcher> _watchers = new(StringComparer.Ordinal);
    private readonly DaemonActions _actions;
    private readonly TimeProvider _time;
    private readonly MemoryTrim _memory = new();

    private SyncDaemon(KubeSyncConfig config, IReadOnlyList<GroupRuntime> groups, PeerHost host, KubeSyncMetrics metrics, DaemonActions actions, TimeProvider time, ILoggerFactory loggers)
    {
        _config = config;
        Groups = groups;
        Host = host;
        _loggers = loggers;
        _time = time;
        _log = loggers.CreateLogger("kubesync");
        Metrics = metrics;
        Liveness = new LivenessRegistry(time);
        metrics.Attach(groups, host);
        _actions = actions;
    }

    /// <summary>The daemon's metrics (served at /metrics).</summary>
    public KubeSyncMetrics Metrics { get; }

    /// <summary>The daemon's loops, for /healthz; other loops (the watcher) register here too.</summary>
    public LivenessRegistry Liveness { get; }

    /// <summary>The configuration in force: the one started with, or what the last config reload applied.</summary>
    public KubeSyncConfig Config => _config;

    /// <summary>Whether every group is ready (/readyz).</summary>
    public bool IsReady => Groups.All(g => g.IsReady);

    public IReadOnlyList<GroupRuntime> Groups { get; }

    /// <summary>
    /// Each group's inotify watcher by group name, once <see cref="RunAsync"/> has started it: its state (watching or
    /// fallen back to the periodic rescan), counters and last activity, for the admin and health endpoints.
    /// </summary>
    public IReadOnlyDictionary<string, InotifyWatcher> Watchers => _watchers;

    public PeerHost Host { get; }

    /// <summary>Completes when every group is ready.</summary>
    public Task Ready => Task.WhenAll(Groups.Select(g => g.Ready));

    /// <summary>Opens the groups and binds the listening socket; nothing runs until <see cref="RunAsync"/>.</summary>
    /// <param name="listen">False for a one-shot <c>kubesync sync</c>: dial peers, accept nobody.</param>
    public static async Task<SyncDaemon> StartAsync(KubeSyncConfig config, ILoggerFactory loggers, SyncTuning? tuning = null, TimeProvider? time = null, bool listen = true, CancellationToken cancellationToken = default)
    {
        time ??= TimeProvider.System;
        tuning ??= SyncTuning.FromConfig(config.Timing);
        var key = MemberCredentials.ReadKey(config);

        // Loading the certificates (and building the member's chain, which reads the system trust store) takes a
        // good part of a one-shot's start: it runs beside opening the groups, and a one-shot sync scans meanwhile.
        var loadTls = Task.Run(() => MemberCredentials.LoadTlsAsync(config, loggers, time, cancellationToken), cancellationToken);
        if (listen)
        {
            await loadTls.ConfigureAwait(false);
        }

        if (!HostPort.TryParse(config.Listen, out var host, out var port, out var error, KubeSyncConfig.DefaultPort))
        {
            throw new ConfigException("listen", error);
        }

        var address = host is "" or "*" or "0.0.0.0" ? IPAddress.Any : host == "::" ? IPAddress.IPv6Any : IPAddress.TryParse(host, out var ip) ? ip : null;
        address ??= (await Dns.GetHostAddressesAsync(host, cancellationToken).ConfigureAwait(false)).FirstOrDefault()
            ?? throw new ConfigException("listen", $"{host} resolves to no address");

        var groups = new List<GroupRuntime>();
        var metrics = new KubeSyncMetrics();
        var actions = new DaemonActions(loggers, time, metrics);
        try
        {
            actions.Validate(config.Groups);
            foreach (var groupConfig in config.Groups)
            {
                groups.Add(new GroupRuntime(LocalGroup.Open(config, groupConfig, time), key, tuning, loggers, time, metrics));
            }

            PeerHost peers;
            try
            {
                peers = new PeerHost(groups, loadTls, listen ? new IPEndPoint(address, port) : null, loggers);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new ConfigException("listen", $"cannot listen on {config.Listen}: {e.Message}");
            }

            return new SyncDaemon(config, groups, peers, metrics, actions, time, loggers);
        }
        catch
        {
            actions.Dispose();
            metrics.Dispose();
            foreach (var group in groups)
            {
                group.Group.Dispose();
                group.Dispose();
            }

            throw;
        }
    }

    /// <summary>
    /// Watches and scans, then serves and syncs until <paramref name="cancellationToken"/>; then drains (SIGTERM): stops
    /// taking local changes, pushes what is owed to connected peers and runs due actions for at most
    /// <c>timing.drain</c>, and returns.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        DaemonLog.Listening(_log, _config.Node, Host.ListenEndPoint, _config.Insecure ? "plaintext (insecure)" : "mutual TLS");
        try
        {
            // Watched from the start: a change during the initial scan is reloaded once the loops run.
            StartOrStopConfigWatcher();
            await RunGroupsAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            StopConfigWatcher();
            await StopWatchersAsync().ConfigureAwait(false);
            await DaemonActions.StopAsync(Groups).ConfigureAwait(false);
        }
    }

    private async Task RunGroupsAsync(CancellationToken cancellationToken)
    {
        var rescanHealth = Liveness.Register("rescan", MaxLoopSilence);
        var peersHealth = Liveness.Register("peers", null);
        var actionsHealth = Liveness.Register("actions", null);
        var actionsFailed = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        _actions.Failed += (group, e) =>
        {
            DaemonLog.ActionsFailed(_log, group, e.Message);
            actionsHealth.Stopped($"failed: group {group}: {e.Message}");
            actionsFailed.TrySetResult(e);
        };
        foreach (var group in Groups)
        {
            rescanHealth.Beat();
            RemoveStaleTempFiles(group);
            await _actions.InstallAsync(group, group.Group.Config, cancellationToken).ConfigureAwait(false);

            // Watches land before the initial scan starts, so a change made during it is either scanned or reported.
            var watcher = new InotifyWatcher(group, _config.Timing.Debounce, _loggers.CreateLogger<InotifyWatcher>())
            {
                Overflowed = () => Metrics.RecordWatchOverflow(group.Name),
            };
            _watchers[group.Name] = watcher;
            watcher.Start();
            var result = await group.ScanAsync(ScanRequest.Full, cancellationToken).ConfigureAwait(false);
            DaemonLog.Scanned(_log, group.Name, result.Entries, result.Created, result.Modified, result.Deleted, (long)result.Duration.TotalMilliseconds);
            var peers = group.Group.Config.Peers;
            if (!group.IsNewMember)
            {
                group.MarkReady("existing member; it catches up by pull");
            }
            else if (peers.Static.Count == 0 && peers.Dns is null)
            {
                group.MarkReady("no peers configured");
            }
        }

        LogMemory("after the initial scan");
        await TrimMemoryAsync(cancellationToken).ConfigureAwait(false);

        using var localStop = new CancellationTokenSource();
        using var networkStop = new CancellationTokenSource();
        var network = peersHealth.Track(Host.RunAsync(networkStop.Token), networkStop.Token);
        var rescans = rescanHealth.Track(RescanLoopAsync(rescanHealth, localStop.Token), localStop.Token);
        var reloads = ReloadLoopAsync(localStop.Token);
        var expiry = new PeerExpiry(Groups, () => _config.Timing.PeerExpiry, _time, _loggers.CreateLogger("kubesync.expiry"), Metrics).RunAsync(networkStop.Token);
        var loops = Task.WhenAll(network, rescans, reloads, expiry);

        // A watcher that falls back to periodic scanning completes normally and the member goes on; one that fails stops it.
        var watching = Task.WhenAll(_watchers.Values.Select(w => w.Completion));
        var stopRequested = Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken);
        var waitingOn = new List<Task> { loops, watching, stopRequested };
        while (true)
        {
            var first = await Task.WhenAny(waitingOn).ConfigureAwait(false);
            if (first == stopRequested)
            {
                await DrainAsync(Task.WhenAll(rescans, reloads), localStop, CancellationToken.None).ConfigureAwait(false);
                break;
            }

            if (first == watching && !watching.IsFaulted)
            {
                waitingOn.Remove(watching);
                continue;
            }

            // A loop or a watcher stopped unexpectedly: the member stops (STYLE: health reflects the loops; Kubernetes restarts it).
            break;
        }

        await localStop.CancelAsync().ConfigureAwait(false);
        await networkStop.CancelAsync().ConfigureAwait(false);
        await loops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (watching.IsFaulted)
        {
            await watching.ConfigureAwait(false);
        }

        if (loops.IsFaulted)
        {
            await loops.ConfigureAwait(false);
        }
    }

    /// <summary>After a burst of work (a full scan), gives what it left committed back to the system (<see cref="MemoryTrim"/>).</summary>
    private async Task TrimMemoryAsync(CancellationToken ct)
    {
        if (!_memory.IsWasteful())
        {
            return;
        }

        foreach (var group in Groups)
        {
            using (await group.Gate.EnterAsync(ct).ConfigureAwait(false))
            {
                group.Group.Store.ReleaseMemory();
            }
        }

        _memory.Collect();
        LogMemory("after trimming");
    }

    private void LogMemory(string when)
    {
        if (_log.IsEnabled(LogLevel.Debug))
        {
            var gc = GC.GetGCMemoryInfo();
            DaemonLog.Memory(
                _log, when, Environment.WorkingSet >> 20, gc.HeapSizeBytes >> 20, gc.TotalCommittedBytes >> 20, gc.FragmentedBytes >> 20,
                string.Join("/", gc.GenerationInfo.ToArray().Select(g => (g.SizeAfterBytes >> 10).ToString(System.Globalization.CultureInfo.InvariantCulture))),
                GC.CollectionCount(0), GC.CollectionCount(2));
        }
    }

    private async Task StopWatchersAsync()
    {
        foreach (var watcher in _watchers.Values)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// csync2 <c>-x</c>: scans every group, connects to its peers, pushes what is owed and pulls what is new, and
    /// returns once every static peer's session has settled with nothing owed to it, or at <paramref name="timeout"/>.
    /// Returns, per group, the paths still owed to each peer (empty when everything arrived). While it waits,
    /// <paramref name="progress"/> (if given) gets the same counts and the time so far every <paramref name="progressEvery"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> SyncOnceAsync(
        TimeSpan timeout,
        CancellationToken cancellationToken,
        TimeSpan progressEvery = default,
        Action<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>, TimeSpan>? progress = null)
    {
        // Dialling (TLS and the handshake) runs beside the scan; the session pushes what was owed before it and, once
        // the scan commits, what it found. Settled is judged only after the scan, so nothing found is left out.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var deadline = Stopwatch.StartNew();
        var network = Host.RunAsync(stop.Token);
        try
        {
            foreach (var group in Groups)
            {
                await group.ScanAsync(ScanRequest.Full, cancellationToken).ConfigureAwait(false);
            }

            await Host.TlsLoaded.ConfigureAwait(false);
            var nextReport = progressEvery;
            while (deadline.Elapsed < timeout && !await SettledAsync(cancellationToken).ConfigureAwait(false))
            {
                if (progress is not null && progressEvery > TimeSpan.Zero && deadline.Elapsed >= nextReport)
                {
                    progress(await OwedAsync(cancellationToken).ConfigureAwait(false), deadline.Elapsed);
                    nextReport = deadline.Elapsed + progressEvery;
                }

                await Task.Delay(SettledPoll, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await network.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        return await OwedAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Per group, the paths owed to each peer that is owed any.</summary>
    private async Task<IReadOnlyDictionary<string, IReadOnlyDictionary<string, long>>> OwedAsync(CancellationToken cancellationToken)
    {
        var owed = new Dictionary<string, IReadOnlyDictionary<string, long>>(StringComparer.Ordinal);
        foreach (var group in Groups)
        {
            using (await group.Gate.EnterAsync(cancellationToken).ConfigureAwait(false))
            {
                owed[group.Name] = group.Group.Store.ReadPeers().Select(p => (p.Node, Count: group.Group.Store.CountOwed(p.Node)))
                    .Where(p => p.Count > 0).ToDictionary(p => p.Node, p => p.Count, StringComparer.Ordinal);
            }
        }

        return owed;
    }

    /// <summary>How often a one-shot sync looks whether its sessions settled (a cheap check; its wait adds to the run).</summary>
    private static readonly TimeSpan SettledPoll = TimeSpan.FromMilliseconds(10);

    private async Task<bool> SettledAsync(CancellationToken ct)
    {
        foreach (var group in Groups)
        {
            foreach (var peer in group.Group.Config.Peers.Static)
            {
                var session = group.Sessions.FirstOrDefault(s => s.Peer == peer.Node);
                if (session is null || !session.IsSettled)
                {
                    return false;
                }

                using (await group.Gate.EnterAsync(ct).ConfigureAwait(false))
                {
                    if (group.Group.Store.CountOwed(peer.Node) > 0)
                    {
                        return false;
                    }
                }
            }
        }

        return true;
    }

    /// <summary>Asks for a full scan of every group now (SIGUSR1, <c>kubesync sync</c> beside a running daemon).</summary>
    public void RequestScan()
    {
        if (_scanRequested.CurrentCount == 0)
        {
            try
            {
                _scanRequested.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already requested.
            }
        }
    }

    private async Task RescanLoopAsync(Heartbeat heartbeat, CancellationToken ct)
    {
        try
        {
            while (true)
            {
                // Waits in slices so that the loop reports progress while it idles (a hung loop stops beating).
                var waited = Stopwatch.StartNew();
                while (waited.Elapsed < _config.Timing.Rescan)
                {
                    var slice = TimeSpan.FromTicks(Math.Min(HeartbeatInterval.Ticks, (_config.Timing.Rescan - waited.Elapsed).Ticks));
                    heartbeat.Beat();
                    await TrimMemoryAsync(ct).ConfigureAwait(false);

                    if (slice <= TimeSpan.Zero || await _scanRequested.WaitAsync(slice, ct).ConfigureAwait(false))
                    {
                        break;
                    }
                }

                foreach (var group in Groups)
                {
                    heartbeat.Beat();
                    var result = await group.ScanAsync(ScanRequest.Full, ct).ConfigureAwait(false);
                    if (result.Changed > 0)
                    {
                        DaemonLog.Scanned(_log, group.Name, result.Entries, result.Created, result.Modified, result.Deleted, (long)result.Duration.TotalMilliseconds);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// Temp files left by transfers a crash cut short (<c>.kubesync-*.tmp</c>, never synced): one daemon owns a root,
    /// so at start none of them is in use. Symlinked directories are not followed.
    /// </summary>
    private void RemoveStaleTempFiles(GroupRuntime group)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
        var removed = 0;
        foreach (var file in Directory.EnumerateFiles(group.Group.Root, $"{Paths.SyncRules.TempFilePrefix}*{Paths.SyncRules.TempFileSuffix}", options))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                DaemonLog.TempNotRemoved(_log, file, e.Message);
            }
        }

        if (removed > 0)
        {
            DaemonLog.TempRemoved(_log, group.Name, removed);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopWatchersAsync().ConfigureAwait(false);
        await DaemonActions.StopAsync(Groups).ConfigureAwait(false);
        _actions.Dispose();
        await Host.DisposeAsync().ConfigureAwait(false);
        foreach (var group in Groups)
        {
            using (await group.Gate.EnterAsync(CancellationToken.None).ConfigureAwait(false))
            {
                group.Group.Dispose();
            }

            group.Dispose();
        }

        Metrics.Dispose();
        StopConfigWatcher();
        _scanRequested.Dispose();
        _reloadRequested.Dispose();
    }
}
