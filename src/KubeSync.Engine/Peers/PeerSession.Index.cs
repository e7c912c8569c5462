using KubeSync.Engine.Applying;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Peers;

/// <summary>
/// Pull: each side asks for the other's index entries newer than the last it has read, confirms what it already
/// has, owes the peer what the peer lacks, and sends Want for what it lacks itself. A round completes when the
/// last batch arrived and every wanted path was answered; only then is the peer's progress recorded (a round cut
/// short is simply read again) and a new member declared ready.
/// </summary>
public sealed partial class PeerSession
{
    private readonly Dictionary<ulong, SyncPath> _wants = [];
    private readonly Dictionary<string, ulong> _awaiting = new(StringComparer.Ordinal);

    /// <summary>The request id of an awaited path we did not Want because the peer pushes it (never a real id: ids start at 1 or 2).</summary>
    private const ulong PushedNotWanted = 0;
    private bool _roundActive;
    private bool _roundReading;
    private long _roundMaxSeq;
    private Task? _indexSender;
    private long? _nextIndexSince;

    private async Task StartPullAsync(CancellationToken ct)
    {
        Interlocked.Exchange(ref _lastPull, _group.Time.GetTimestamp());
        var since = await ReadPeerProgressAsync(ct).ConfigureAwait(false);

        lock (_lock)
        {
            if (_roundActive)
            {
                return;
            }

            _roundActive = _roundReading = true;
            _lastPullStarted = true;
            _roundMaxSeq = since;
        }

        _send.Reply(new IndexRequest(since));
    }

    private bool TakeCompletedRound(out long seen, out bool peerReady)
    {
        lock (_lock)
        {
            seen = _roundMaxSeq;
            peerReady = _roundPeerReady;
            if (!_roundActive || _roundReading || _awaiting.Count > 0)
            {
                return false;
            }

            _roundActive = false;
            return true;
        }
    }

    private async Task OnIndexBatchAsync(IndexBatch index, ReceiveBatch batch, CancellationToken ct)
    {
        lock (_lock)
        {
            if (!_roundReading)
            {
                throw Unexpected("IndexBatch without an IndexRequest");
            }
        }

        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        var owed = false;
        if (index.Entries.Count > 0)
        {
            var maxSeq = index.Entries.Max(e => e.Seq);
            lock (_lock)
            {
                _roundMaxSeq = Math.Max(_roundMaxSeq, maxSeq);
            }
        }

        for (var i = 0; i < index.Entries.Count; i++)
        {
            var entry = index.Entries[i];
            if (!_group.Rules.IsIncluded(entry.Path))
            {
                continue;
            }

            var local = state.Read(entry.Path);
            var decision = local is null
                ? (entry.Deleted ? SyncDecision.InSync : SyncDecision.TakeRemote)
                : VersionDecider.Decide(EntrySide.Local(_group.Node, local), EntrySide.Remote(Peer, entry));
            switch (decision)
            {
                case SyncDecision.InSync when local is not null:
                    state.Confirm(entry.Path, Peer, entry.Version);
                    break;
                case SyncDecision.KeepLocal when !_group.ReceiveOnly:
                    state.MarkDirty(entry.Path, Peer);
                    owed = true;
                    break;
                case SyncDecision.MergeIdentical:
                    state.RecordVersion(entry.Path, local!.Version.Merge(entry.Version));
                    owed = true;
                    break;
                case SyncDecision.TakeRemote or SyncDecision.Conflict:
                    lock (_lock)
                    {
                        if (_awaiting.ContainsKey(entry.Path.Value))
                        {
                            break;
                        }

                        if (index.IsPushed(i))
                        {
                            // The peer offers it on its own: wait for that offer, unless it already came and is
                            // still streaming in (staged files were recorded before this batch was read).
                            if (!IsIncoming(entry.Path))
                            {
                                _awaiting[entry.Path.Value] = PushedNotWanted;
                            }

                            break;
                        }

                        var id = NextId();
                        _wants[id] = entry.Path;
                        _awaiting[entry.Path.Value] = id;
                        batch.Reply(new Want(id, entry.Path));
                    }

                    break;
            }
        }

        if (owed)
        {
            batch.After(_group.NotifyChanged);
        }

        NotePeerReadiness(index);
        if (!index.More)
        {
            lock (_lock)
            {
                _roundReading = false;
            }
        }
    }

    private async Task OnWantAsync(Want want, ReceiveBatch batch, CancellationToken ct)
    {
        if (IsMine(want.RequestId))
        {
            throw Unexpected($"Want id {want.RequestId} is not an id of the peer");
        }

        if (_group.ReceiveOnly)
        {
            batch.Reply(new Refuse(want.RequestId, "receive-only member: it never sends"));
            return;
        }

        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        if (state.Read(want.Path) is null || !_group.Rules.IsIncluded(want.Path))
        {
            batch.Reply(new Refuse(want.RequestId, "not known here"));
        }
        else if (state.HasConflict(want.Path, Peer))
        {
            batch.Reply(new Refuse(want.RequestId, "in conflict with you; settle it with kubesync force"));
        }
        else
        {
            state.MarkDirty(want.Path, Peer);
            batch.After(Wake);
        }
    }

    private void StartIndexSender(long since)
    {
        lock (_lock)
        {
            if (_indexSender is { IsCompleted: false })
            {
                _nextIndexSince = since;
                return;
            }

            _indexSender = Task.Run(() => SendIndexAsync(since, _stop.Token));
            Track(_indexSender);
        }
    }

    private async Task SendIndexAsync(long since, CancellationToken ct)
    {
        while (true)
        {
            var cursor = since;
            var frameBudget = _group.Handshake.MaxFrameLength / 2;
            var entries = new List<WireEntry>();
            List<bool>? pushed = FlagsPushed ? [] : null;
            var size = 0;
            while (true)
            {
                IReadOnlyList<(State.FileRecord Row, bool Owed)> rows;
                using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
                {
                    rows = _group.Group.Store.ReadChangesSince(cursor, _group.Tuning.IndexPage, owedTo: pushed is null ? null : Peer);
                }

                foreach (var (row, owed) in rows)
                {
                    var entry = WireEntry.FromRecord(row);
                    var estimate = EstimateSize(entry);
                    if (entries.Count > 0 && (size + estimate > frameBudget || entries.Count >= ProtocolLimits.MaxIndexBatchEntries))
                    {
                        await _send.SendBulkAsync(new IndexBatch(entries, More: true, ReadyFlag, pushed), ct).ConfigureAwait(false);
                        entries = [];
                        pushed = pushed is null ? null : [];
                        size = 0;
                    }

                    entries.Add(entry);
                    pushed?.Add(owed);
                    size += estimate;
                    cursor = row.Seq;
                }

                if (rows.Count < _group.Tuning.IndexPage)
                {
                    break;
                }
            }

            await _send.SendBulkAsync(new IndexBatch(entries, More: false, ReadyFlag, pushed), ct).ConfigureAwait(false);
            lock (_lock)
            {
                if (_nextIndexSince is not { } next)
                {
                    return;
                }

                since = next;
                _nextIndexSince = null;
            }
        }
    }

    /// <summary>
    /// Whether our IndexBatches flag the entries we owe the peer (protocol version 5): our pusher offers them on its
    /// own once the peer takes part, so the peer need not Want them. A receive-only member never pushes.
    /// </summary>
    private bool FlagsPushed => _connection.Version >= ProtocolVersions.PushedEntries && !_group.ReceiveOnly;

    /// <summary>An upper bound of an entry's encoded size, to keep an IndexBatch within the frame limit.</summary>
    private static int EstimateSize(WireEntry entry)
    {
        var size = 96 + System.Text.Encoding.UTF8.GetMaxByteCount(entry.Path.Value.Length) + (entry.LinkTarget is null ? 0 : System.Text.Encoding.UTF8.GetMaxByteCount(entry.LinkTarget.Length));
        foreach (var (node, _) in entry.Version.Entries)
        {
            size += System.Text.Encoding.UTF8.GetMaxByteCount(node.Length) + 12;
        }

        return size;
    }
}
