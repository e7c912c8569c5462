using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Reflection;

using KubeSync.Engine.Peers;

namespace KubeSync.Engine.Metrics;

/// <summary>
/// The daemon's metrics (DESIGN 5, "Metrics"; docs/architecture.md lists them): a <see cref="Meter"/> named
/// <c>KubeSync</c> whose instruments read the groups' <see cref="SyncCounters"/>, their sessions, and a
/// <see cref="GroupSnapshot"/> of each state database taken once per scrape by <see cref="RefreshAsync"/>; plus
/// instruments that code elsewhere records into (propagation and scan durations, watch overflows, action runs).
/// </summary>
public sealed class KubeSyncMetrics : IDisposable
{
    /// <summary>The name of the meter.</summary>
    public const string MeterName = "KubeSync";

    private static readonly double[] PropagationBounds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];
    private static readonly double[] ScanBounds = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900];

    private readonly Meter _meter;
    private readonly Histogram<double> _propagation;
    private readonly Histogram<double> _scanDuration;
    private readonly Counter<long> _watchOverflows;
    private readonly Counter<long> _actionRuns;
    private readonly Counter<long> _configReloads;
    private readonly Counter<long> _peersForgotten;
    private readonly ConcurrentDictionary<string, GroupSnapshot> _snapshots = new(StringComparer.Ordinal);
    private volatile IReadOnlyList<GroupRuntime> _groups = [];
    private volatile PeerHost? _host;

    public KubeSyncMetrics()
    {
        _meter = new Meter(MeterName, Version);

        // The collector listens before any instrument exists, so it sees every one of them.
        Collector = new MetricsCollector(_meter);
        _meter.CreateObservableGauge("kubesync_build_info", () => new Measurement<long>(1, new KeyValuePair<string, object?>("version", Version)), description: "Always 1; the version label says which KubeSync runs");
        _meter.CreateObservableGauge("kubesync_files", () => PerGroup(s => s.Files), description: "Live files, directories and links in the group's state");
        _meter.CreateObservableGauge("kubesync_conflicts", () => PerGroup(s => s.Conflicts), description: "Open conflicts (path and peer) waiting for a person");
        _meter.CreateObservableGauge("kubesync_dirty_files", DirtyPerPeer, description: "Paths this member still owes each peer");
        _meter.CreateObservableGauge("kubesync_oldest_dirty_age_seconds", OldestDirtyAges, unit: "s", description: "Age of the oldest change not yet acknowledged by a peer; 0 when nothing is owed");
        _meter.CreateObservableGauge("kubesync_peers_connected", () => Groups(g => g.Sessions.Count), description: "Peers with an open session");
        _meter.CreateObservableCounter("kubesync_files_sent", () => Groups(g => g.Counters.FilesSent), description: "Files sent to peers");
        _meter.CreateObservableCounter("kubesync_files_received", () => Groups(g => g.Counters.FilesReceived), description: "Files received from peers and applied");
        _meter.CreateObservableCounter("kubesync_bytes_sent", () => Groups(g => g.Counters.BytesSent), unit: "By", description: "Content bytes sent to peers (inline data and delta literals)");
        _meter.CreateObservableCounter("kubesync_bytes_received", () => Groups(g => g.Counters.BytesReceived), unit: "By", description: "Content bytes received from peers");
        _meter.CreateObservableCounter("kubesync_delta_saved_bytes", () => Groups(g => g.Counters.DeltaSavedBytes), unit: "By", description: "Bytes copied from the local basis instead of being received");
        _meter.CreateObservableCounter("kubesync_delta_signatures_reused", () => Groups(g => g.Counters.SignaturesReused), description: "Delta transfers against a large file whose block signature was kept when it arrived, not computed again");
        _meter.CreateObservableCounter("kubesync_protocol_errors", ProtocolErrors, description: "Connections closed for a protocol error, by reason (without group: refused before the handshake named one)");
        _propagation = _meter.CreateHistogram("kubesync_propagation_seconds", unit: "s", description: "Time from a change detected to its acknowledgement by a peer", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PropagationBounds });
        _scanDuration = _meter.CreateHistogram("kubesync_scan_duration_seconds", unit: "s", description: "Duration of full scans of the group's root", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ScanBounds });
        _watchOverflows = _meter.CreateCounter<long>("kubesync_watch_overflows", description: "Times the change watcher lost events and fell back to a scan");
        _actionRuns = _meter.CreateCounter<long>("kubesync_action_runs", description: "Action runs by action and outcome");
        _configReloads = _meter.CreateCounter<long>("kubesync_config_reloads", description: "Config reloads (SIGHUP or a changed file) by outcome: applied, unchanged, rejected");
        foreach (var outcome in Hosting.ConfigReload.Outcomes)
        {
            _configReloads.Add(0, Tag("outcome", outcome));
        }
        _peersForgotten = _meter.CreateCounter<long>("kubesync_peers_forgotten", description: "Peers forgotten with their dirty marks after timing.peerExpiry unseen");
    }

    /// <summary>The version in <c>kubesync_build_info</c>: the informational version of this build.</summary>
    public static string Version { get; } =
        typeof(KubeSyncMetrics).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";

    /// <summary>Collects and renders the meter's instruments.</summary>
    public MetricsCollector Collector { get; }

    /// <summary>Starts reporting on <paramref name="groups"/> and the host's refused connections.</summary>
    public void Attach(IReadOnlyList<GroupRuntime> groups, PeerHost? host)
    {
        _groups = groups;
        _host = host;
        foreach (var group in groups)
        {
            // Counters with no events yet still show as 0 per group.
            _watchOverflows.Add(0, Tag("group", group.Name));
            _peersForgotten.Add(0, Tag("group", group.Name));
        }
    }

    /// <summary>The snapshot of <paramref name="group"/> taken by the last <see cref="RefreshAsync"/>, if any.</summary>
    public GroupSnapshot? Snapshot(string group) => _snapshots.GetValueOrDefault(group);

    /// <summary>
    /// Takes a snapshot of every group's state, waiting at most <paramref name="timeout"/> for each group's gate; a
    /// group whose gate stays busy keeps its previous snapshot. Returns the groups that could not be read.
    /// </summary>
    public async Task<IReadOnlyList<string>> RefreshAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var stale = new List<string>();
        foreach (var group in _groups)
        {
            if (await GroupSnapshot.TryTakeAsync(group, timeout, cancellationToken).ConfigureAwait(false) is { } snapshot)
            {
                _snapshots[group.Name] = snapshot;
            }
            else
            {
                stale.Add(group.Name);
            }
        }

        return stale;
    }

    /// <summary>Records the time from a change detected to a peer's acknowledgement of it.</summary>
    public void RecordPropagation(string group, string peer, TimeSpan elapsed) =>
        _propagation.Record(elapsed.TotalSeconds, Tag("group", group), Tag("peer", peer));

    /// <summary>Records the duration of a full scan.</summary>
    public void RecordScan(string group, TimeSpan duration) => _scanDuration.Record(duration.TotalSeconds, Tag("group", group));

    /// <summary>Counts a watcher overflow (events lost, a scan follows).</summary>
    public void RecordWatchOverflow(string group) => _watchOverflows.Add(1, Tag("group", group));

    /// <summary>Counts one run of an action with its outcome (<c>ok</c>, <c>failed</c>, <c>timeout</c>…).</summary>
    public void RecordActionRun(string group, string action, string outcome) =>
        _actionRuns.Add(1, Tag("group", group), Tag("action", action), Tag("outcome", outcome));

    /// <summary>Counts one config reload with its outcome (<see cref="Hosting.ConfigReload"/>).</summary>
    public void RecordConfigReload(string outcome) => _configReloads.Add(1, Tag("outcome", outcome));
    /// <summary>Counts a peer forgotten for having been unseen for <c>timing.peerExpiry</c>.</summary>
    public void RecordPeerForgotten(string group) => _peersForgotten.Add(1, Tag("group", group));

    public void Dispose()
    {
        Collector.Dispose();
        _meter.Dispose();
    }

    private static KeyValuePair<string, object?> Tag(string key, string value) => new(key, value);

    private IEnumerable<Measurement<long>> Groups(Func<GroupRuntime, long> read) =>
        _groups.Select(g => new Measurement<long>(read(g), Tag("group", g.Name)));

    private IEnumerable<Measurement<long>> PerGroup(Func<GroupSnapshot, long> read)
    {
        foreach (var group in _groups)
        {
            if (_snapshots.TryGetValue(group.Name, out var snapshot))
            {
                yield return new Measurement<long>(read(snapshot), Tag("group", group.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> DirtyPerPeer()
    {
        foreach (var group in _groups)
        {
            if (_snapshots.TryGetValue(group.Name, out var snapshot))
            {
                foreach (var (peer, count) in snapshot.DirtyByPeer)
                {
                    yield return new Measurement<long>(count, Tag("group", group.Name), Tag("peer", peer));
                }
            }
        }
    }

    private IEnumerable<Measurement<double>> OldestDirtyAges()
    {
        foreach (var group in _groups)
        {
            if (_snapshots.TryGetValue(group.Name, out var snapshot))
            {
                var age = snapshot.OldestDirtySince is { } since ? Math.Max(0, (group.Time.GetUtcNow() - since).TotalSeconds) : 0;
                yield return new Measurement<double>(age, Tag("group", group.Name));
            }
        }
    }

    private IEnumerable<Measurement<long>> ProtocolErrors()
    {
        foreach (var group in _groups)
        {
            foreach (var (reason, count) in group.Counters.ProtocolErrors)
            {
                yield return new Measurement<long>(count, Tag("group", group.Name), Tag("reason", reason));
            }
        }

        if (_host is { } host)
        {
            foreach (var (reason, count) in host.Counters.ProtocolErrors)
            {
                yield return new Measurement<long>(count, Tag("reason", reason));
            }
        }
    }
}
