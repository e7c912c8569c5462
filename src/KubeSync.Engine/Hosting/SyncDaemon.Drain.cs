using System.Diagnostics;

using KubeSync.Engine.Peers;
using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Hosting;

public sealed partial class SyncDaemon
{
    private static readonly TimeSpan DrainPoll = TimeSpan.FromMilliseconds(20);

    /// <summary>
    /// SIGTERM (issue 4 part 4): stops taking new local changes (watchers and rescans), records what was written before
    /// the signal with one last scan, then lets the sessions push what is owed to connected peers and finish their
    /// transfers, and the schedulers run the actions that are due, for at most <c>timing.drain</c>. What is left is
    /// logged; it stays dirty (or pending) in the state database for the next start.
    /// </summary>
    private async Task DrainAsync(Task localLoops, CancellationTokenSource localStop, CancellationToken cancellationToken)
    {
        var drain = _config.Timing.Drain;
        DaemonLog.Draining(_log, (long)drain.TotalMilliseconds);
        var started = Stopwatch.StartNew();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(drain);

        await StopWatchersAsync().ConfigureAwait(false);
        await localStop.CancelAsync().ConfigureAwait(false);
        await localLoops.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        try
        {
            // The watchers abandon changes they had not scanned yet; a write just before the signal is still owed.
            foreach (var group in Groups)
            {
                await group.ScanAsync(ScanRequest.Full, deadline.Token).ConfigureAwait(false);
            }

            while (!await SettledWithConnectedPeersAsync(deadline.Token).ConfigureAwait(false))
            {
                await Task.Delay(DrainPoll, _time, deadline.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            // The bound passed: what is left is logged below.
        }

        var idle = await DaemonActions.WaitIdleAsync(Groups, deadline.Token).ConfigureAwait(false);
        var owed = await LogLeftOwedAsync().ConfigureAwait(false);
        if (!idle)
        {
            LogLeftPending();
        }

        if (idle && owed == 0)
        {
            DaemonLog.Drained(_log, started.ElapsedMilliseconds);
        }
    }

    /// <summary>Every open session has nothing in flight and its peer is owed nothing.</summary>
    private async Task<bool> SettledWithConnectedPeersAsync(CancellationToken cancellationToken)
    {
        foreach (var group in Groups)
        {
            foreach (var session in group.Sessions)
            {
                if (!session.IsSettled || await CountOwedAsync(group, session.Peer, cancellationToken).ConfigureAwait(false) > 0)
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static async Task<long> CountOwedAsync(GroupRuntime group, string peer, CancellationToken cancellationToken)
    {
        using (await group.Gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            return group.Group.Store.CountOwed(peer);
        }
    }

    private async Task<long> LogLeftOwedAsync()
    {
        long total = 0;
        foreach (var group in Groups)
        {
            using (await group.Gate.EnterAsync(CancellationToken.None).ConfigureAwait(false))
            {
                foreach (var (peer, count) in group.Group.Store.CountDirtyByPeer())
                {
                    if (count > 0)
                    {
                        DaemonLog.LeftOwed(_log, group.Name, peer, count);
                        total += count;
                    }
                }
            }
        }

        return total;
    }

    private void LogLeftPending()
    {
        foreach (var group in Groups)
        {
            foreach (var action in group.Actions?.Snapshot() ?? [])
            {
                if (action.PendingPaths > 0 || action.Running)
                {
                    DaemonLog.LeftPending(_log, group.Name, action.Name, action.PendingPaths);
                }
            }
        }
    }
}
