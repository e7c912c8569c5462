using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Peers;

/// <summary>
/// A peer that refuses offer after offer (its sync root is gone, its disk is full, it is read-only) would otherwise
/// be offered the whole owed tree again every retry delay, and each refusal logged on both sides. Every
/// <see cref="RefusalsPerDoubling"/> refusals in a row double the retry delay, up to <see cref="MaxRetryDelay"/>;
/// the first refusals are logged one by one, then one line per doubling says that the peer refuses everything. The
/// first offer the peer takes (Have or Ack) brings the configured delay back.
/// </summary>
public sealed partial class PeerSession
{
    internal const int RefusalsPerDoubling = 100;

    internal static readonly TimeSpan MaxRetryDelay = TimeSpan.FromMinutes(2);

    private int _refusedInARow;

    private TimeSpan CurrentRetryDelay => RetryBackoff(_group.Tuning.RetryDelay, Volatile.Read(ref _refusedInARow));

    /// <summary>The delay before a refused path is offered again, after <paramref name="refusedInARow"/> refusals in a row.</summary>
    internal static TimeSpan RetryBackoff(TimeSpan retryDelay, int refusedInARow)
    {
        if (retryDelay >= MaxRetryDelay || retryDelay <= TimeSpan.Zero)
        {
            return retryDelay;
        }

        var delay = retryDelay;
        for (var doublings = refusedInARow / RefusalsPerDoubling; doublings > 0 && delay < MaxRetryDelay; doublings--)
        {
            delay *= 2;
        }

        return delay < MaxRetryDelay ? delay : MaxRetryDelay;
    }

    private void NoteTaken()
    {
        if (Volatile.Read(ref _refusedInARow) != 0)
        {
            Interlocked.Exchange(ref _refusedInARow, 0);
        }
    }

    private void NoteRefused(SyncPath path, string reason)
    {
        var inARow = Interlocked.Increment(ref _refusedInARow);
        if (inARow < RefusalsPerDoubling)
        {
            PeerLog.OfferRefused(_log, _group.Name, path, Peer, reason);
            return;
        }

        var retryDelay = _group.Tuning.RetryDelay;
        var delay = RetryBackoff(retryDelay, inARow);
        if (delay > RetryBackoff(retryDelay, inARow - 1))
        {
            PeerLog.PeerRefusesOffers(_log, _group.Name, Peer, inARow, reason, (int)Math.Ceiling(delay.TotalSeconds));
        }
    }
}
