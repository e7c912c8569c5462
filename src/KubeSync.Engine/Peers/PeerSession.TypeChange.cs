using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>
/// A newer version that changes the path's type (docs/protocol.md "Type changes"): the newer version wins the path.
/// A file or symlink in the way of a directory is removed (a file is kept as a backup when backups are on). A
/// directory in the way of a file or symlink is removed only when empty: its synced content goes first, by the
/// removals the same peer sends after its live entries, so the offer is refused and retried until then; a directory
/// holding a change the offering peer has not seen (a row owed to it, or in conflict with it) cannot have been
/// removed by that peer knowingly, and the path is a conflict.
/// </summary>
public sealed partial class PeerSession
{
    /// <summary>Clears the way for <paramref name="offer"/>: returns the local row to apply against, or Answered when it answered the offer itself.</summary>
    private async Task<(bool Answered, FileRecord? Local)> MakeWayAsync(Offer offer, FileRecord? local, ReceiveBatch batch, CancellationToken ct)
    {
        var entry = offer.Entry;
        if (entry.Deleted || local is not { Deleted: false } || local.Type == entry.Type
            || (local.Type != EntryType.Directory && entry.Type != EntryType.Directory))
        {
            // File and symlink replace each other by rename, like any new content.
            return (false, local);
        }

        if (local.Type == EntryType.Directory)
        {
            var state = await batch.OpenAsync(ct).ConfigureAwait(false);
            if (state.HasUnseenBelow(local.Path, Peer))
            {
                _group.Counters.Conflict();
                state.RecordConflict(local.Path, Peer, entry.Version, entry.Hash);
                batch.Reply(new Conflict(offer.RequestId, WireEntry.FromRecord(local)));
                PeerLog.TypeConflict(_log, _group.Name, local.Path, Peer);
                Satisfied(local.Path);
                return (true, null);
            }
        }

        var removed = _group.Applier.Delete(local.Path, batch.Durability);
        if (removed.Outcome != ApplyOutcome.Applied)
        {
            batch.Reply(new Refuse(offer.RequestId, local.Type == EntryType.Directory
                ? $"a directory with content is in the way; retried once its removals arrive ({removed.Reason})"
                : removed.Reason ?? "the entry in the way could not be removed"));
            Satisfied(local.Path);
            return (true, null);
        }

        PeerLog.TypeReplaced(_log, _group.Name, local.Path, local.Type, entry.Type, Peer);

        // Nothing is at the path now: apply as onto a deleted row (no basis, and "nothing there" is what must still hold).
        return (false, local with { Deleted = true });
    }

    /// <summary>
    /// The peer answered our newer non-directory with Conflict and its directory (it holds changes we have not seen):
    /// record the conflict here too, so neither offers the path again until it is settled. False for any other answer.
    /// </summary>
    private async Task<bool> OnTypeConflictAnswerAsync(WireEntry offered, WireEntry theirs, ReceiveBatch batch, CancellationToken ct)
    {
        if (theirs is not { Deleted: false, Type: EntryType.Directory } || offered.Type == EntryType.Directory || offered.Deleted)
        {
            return false;
        }

        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        var local = state.Read(offered.Path);
        if (local is null || !local.Version.Equals(offered.Version) || local.Version.Compare(theirs.Version) != VersionOrder.Dominates)
        {
            return false;
        }

        _group.Counters.Conflict();
        state.RecordConflict(local.Path, Peer, theirs.Version, theirs.Hash);
        PeerLog.TypeConflict(_log, _group.Name, local.Path, Peer);
        return true;
    }
}
