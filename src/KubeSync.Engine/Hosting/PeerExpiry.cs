using KubeSync.Engine.Metrics;
using KubeSync.Engine.Peers;
using KubeSync.Engine.State;

using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

/// <summary>
/// The daemon's peer expiry (DESIGN 3.2, <c>timing.peerExpiry</c>): every <see cref="Period"/> each group's connected
/// peers are marked seen, and peers that are neither connected nor configured in <c>peers.static</c> and were unseen
/// for the expiry are forgotten with their dirty marks, so that dirty counts and the oldest-dirty alert follow the
/// live group after a rollout or a scale-down. Static peers are never forgotten: a person named them.
/// </summary>
/// <remarks>
/// A member counts its own downtime as nobody's fault: a peer is forgotten only once this process has run for the
/// expiry without seeing it, so a member that was stopped for a day does not forget the whole group at start.
/// </remarks>
public sealed class PeerExpiry
{
    /// <summary>The longest time between sweeps.</summary>
    public static readonly TimeSpan MaxPeriod = TimeSpan.FromMinutes(1);

    private readonly IReadOnlyList<GroupRuntime> _groups;
    private readonly KubeSyncMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly DateTimeOffset _started;
    private readonly Func<TimeSpan> _expiry;

    public PeerExpiry(IReadOnlyList<GroupRuntime> groups, TimeSpan expiry, TimeProvider time, ILogger log, KubeSyncMetrics? metrics = null)
        : this(groups, () => expiry, time, log, metrics)
    {
    }

    /// <param name="expiry">Read at every sweep: a config reload changes <c>timing.peerExpiry</c> at once.</param>
    public PeerExpiry(IReadOnlyList<GroupRuntime> groups, Func<TimeSpan> expiry, TimeProvider time, ILogger log, KubeSyncMetrics? metrics = null)
    {
        _groups = groups;
        _expiry = expiry;
        _time = time;
        _log = log;
        _metrics = metrics;
        _started = time.GetUtcNow();
    }

    /// <summary><c>timing.peerExpiry</c>.</summary>
    public TimeSpan Expiry => _expiry();

    /// <summary>Time between sweeps: a quarter of the expiry, at most a minute (a peer goes at most that late).</summary>
    public TimeSpan Period => TimeSpan.FromTicks(Math.Min(Expiry.Ticks / 4, MaxPeriod.Ticks));

    /// <summary>Sweeps every group each <see cref="Period"/> until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(Period, _time, cancellationToken).ConfigureAwait(false);
                foreach (var group in _groups)
                {
                    try
                    {
                        await SweepAsync(group, cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception e) when (e is SqliteException or StateStoreException or IOException)
                    {
                        ExpiryLog.SweepFailed(_log, group.Name, (long)Period.TotalMilliseconds, e.Message);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>
    /// One sweep of <paramref name="group"/>, in one transaction under its gate (so no session registers or records
    /// meanwhile): connected peers are seen now; expired ones are forgotten, logged and counted. Returns them.
    /// </summary>
    public async Task<IReadOnlyList<ForgottenPeer>> SweepAsync(GroupRuntime group, CancellationToken cancellationToken)
    {
        IReadOnlyList<ForgottenPeer> forgotten = [];
        var expiry = Expiry;
        using (await group.Gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            var connected = group.Sessions.Select(s => s.Peer).ToHashSet(StringComparer.Ordinal);
            var keep = group.Group.Config.Peers.Static.Select(p => p.Node).Concat(connected).ToHashSet(StringComparer.Ordinal);
            var cutoff = _time.GetUtcNow() - expiry;
            using var batch = group.Group.Store.BeginBatch();
            batch.MarkPeersSeen(connected);
            if (cutoff >= _started)
            {
                forgotten = batch.ForgetPeersUnseenSince(cutoff.ToUnixTimeMilliseconds(), keep);
            }

            batch.Commit();
        }

        foreach (var peer in forgotten)
        {
            var lastSeen = DateTimeOffset.FromUnixTimeMilliseconds(peer.LastSeenUnixMs ?? 0);
            ExpiryLog.Forgot(_log, group.Name, peer.Node, peer.Address ?? "incoming", lastSeen, (long)expiry.TotalSeconds, peer.DirtyDropped);
            _metrics?.RecordPeerForgotten(group.Name);
        }

        return forgotten;
    }
}
