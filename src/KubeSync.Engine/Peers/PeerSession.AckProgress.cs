using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>
/// How far the peer's index is known without pulling it: every file we push is recorded by the peer under a new
/// <c>seq</c>, which its Ack names (protocol version 4). Those entries hold exactly what we sent, so reading them back
/// in the next pull would only confirm them; a pushed tree would otherwise come back whole in the first pull after
/// the push. The known seqs count only while they run on without a gap from the recorded progress (a gap is a change
/// we did not send, which a pull must still read), and the progress is recorded in the transaction that confirms them.
/// </summary>
public sealed partial class PeerSession
{
    /// <summary>Acked seqs above a gap: past this many the gap is left to the next pull round, which closes it.</summary>
    internal const int MaxAckedAhead = 65_536;

    private readonly SortedSet<long> _ackedAhead = [];

    /// <summary>The highest seq up to which the peer's index is known (-1 until read from the state).</summary>
    private long _ackedThrough = -1;
    private long _ackedRecorded = -1;
    private bool _ackProgressQueued;

    /// <summary>The peer recorded the version we offered under <paramref name="seq"/> in its index.</summary>
    private void NoteAckedSeq(StateBatch state, long seq, ReceiveBatch batch)
    {
        if (_ackedThrough < 0)
        {
            _ackedThrough = _ackedRecorded = state.PeerProgress(Peer);
        }

        if (seq <= _ackedThrough)
        {
            return;
        }

        if (seq == _ackedThrough + 1)
        {
            _ackedThrough = seq;
            CloseUp(batch);
        }
        else if (_ackedAhead.Count < MaxAckedAhead)
        {
            _ackedAhead.Add(seq);
        }
    }

    /// <summary>Moves past the acked seqs that now follow on, and records the progress with the batch's commit.</summary>
    private void CloseUp(ReceiveBatch batch)
    {
        while (_ackedAhead.Count > 0 && _ackedAhead.Min == _ackedThrough + 1)
        {
            _ackedThrough = _ackedAhead.Min;
            _ackedAhead.Remove(_ackedThrough);
        }

        if (_ackedThrough > _ackedRecorded && !_ackProgressQueued)
        {
            _ackProgressQueued = true;
            batch.BeforeCommit(RecordAckedProgress);
        }
    }

    private void RecordAckedProgress(StateBatch state)
    {
        _ackProgressQueued = false;
        state.SetPeerProgress(Peer, _ackedThrough);
        _ackedRecorded = _ackedThrough;
    }

    /// <summary>A pull round read the peer's index through <paramref name="seen"/>: acked seqs up to there are known anyway.</summary>
    /// <remarks>Called in the transaction that records <paramref name="seen"/>.</remarks>
    private void AckedThroughAtLeast(long seen, ReceiveBatch batch)
    {
        if (_ackedThrough < 0 || seen <= _ackedThrough)
        {
            return;
        }

        _ackedThrough = seen;
        _ackedRecorded = Math.Max(_ackedRecorded, seen);
        _ackedAhead.RemoveWhere(s => s <= seen);
        CloseUp(batch);
    }
}
