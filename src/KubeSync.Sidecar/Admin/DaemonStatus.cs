using KubeSync.Engine.Hosting;
using KubeSync.Engine.Metrics;
using KubeSync.Engine.Peers;
using KubeSync.Sidecar.Cli;

namespace KubeSync.Sidecar.Admin;

/// <summary>Builds <c>/status</c> from a running daemon: its groups' state snapshots, sessions, readiness and last scans.</summary>
internal static class DaemonStatus
{
    /// <summary>The source name in <see cref="StatusReport.Source"/> when the daemon answered.</summary>
    public const string Source = "daemon";

    public static StatusReport Build(SyncDaemon daemon) =>
        new(daemon.Config.Node, [.. daemon.Groups.Select(g => Group(g, daemon.Metrics.Snapshot(g.Name)))], Source, [.. daemon.Groups.SelectMany(Actions)], Reload(daemon.LastReload));

    private static ReloadStatus? Reload(ConfigReload? reload) =>
        reload is null ? null : new ReloadStatus(reload.At, reload.Trigger, reload.Outcome, reload.Error, reload.Changed, reload.NeedsRestart);

    private static IEnumerable<ActionStatus> Actions(GroupRuntime group) =>
        (group.Actions?.Snapshot() ?? []).Select(a => new ActionStatus(
            group.Name, a.Name, a.LastOutcome is { } outcome ? Engine.Actions.ActionRunOutcomeLabels.ToLabel(outcome) : null, a.LastRun, a.LastDuration?.TotalSeconds, a.LastMessage,
            a.PendingPaths, a.Running, a.Attempts, a.GaveUp));

    private static GroupStatus Group(GroupRuntime group, GroupSnapshot? snapshot)
    {
        var sessions = group.Sessions.ToDictionary(s => s.Peer, StringComparer.Ordinal);
        var peers = new List<PeerStatus>();
        foreach (var p in snapshot?.Peers ?? [])
        {
            var session = sessions.GetValueOrDefault(p.Node);
            sessions.Remove(p.Node);
            peers.Add(new PeerStatus(
                p.Node, p.Address, p.State, p.LastSeenUnixMs is { } seen ? DateTimeOffset.FromUnixTimeMilliseconds(seen) : null, p.TheirSeqSeen,
                snapshot!.DirtyByPeer.GetValueOrDefault(p.Node), session is not null, SessionState(session)));
        }

        // A session whose peer the snapshot does not know yet (it connected since).
        peers.AddRange(sessions.Values.Select(s => new PeerStatus(s.Peer, null, "active", null, 0, 0, true, SessionState(s))));
        var scan = group.LastFullScan is { } last
            ? new ScanSummary(last.FinishedAt, last.Result.Entries, last.Result.Changed, last.Result.ProblemCount, last.Result.Duration.TotalSeconds)
            : null;
        return new GroupStatus(
            group.Name, group.Group.Root, snapshot?.Files ?? 0, snapshot?.Tombstones ?? 0, snapshot?.LastSeq ?? 0, (int)(snapshot?.Conflicts ?? 0),
            (int)(snapshot?.Dirty ?? 0), snapshot?.OldestDirtySince, [.. peers.OrderBy(p => p.Node, StringComparer.Ordinal)],
            group.Node, group.IsReady, scan, snapshot?.TakenAt);
    }

    private static string? SessionState(PeerSession? session) => session switch
    {
        null => null,
        { IsSettled: true } => "settled",
        _ => "syncing",
    };
}
