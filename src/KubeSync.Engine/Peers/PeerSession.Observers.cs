using System.Threading.Channels;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Peers;

/// <summary>
/// A connection becomes a member's session only when the peer takes part: its first IndexBatch, Offer or Want
/// (docs/protocol.md, "Observers"). Until then it is an observer: it may read this member's index (IndexRequest) and
/// single files (ReadRequest, protocol version 2), and nothing it sends is recorded. Only then is the session
/// registered (replacing or losing to another connection with the same node id), the peer recorded in the state,
/// and the pusher started: a <c>kubesync compare</c> or <c>diff</c> connection that carries the daemon's own node
/// id never displaces the daemon's session.
/// </summary>
public sealed partial class PeerSession
{
    /// <summary>ReadRequests a peer may have waiting for their answers; one more closes the connection.</summary>
    public const int MaxQueuedReads = 16;

    private readonly TaskCompletionSource _activated = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Channel<ReadRequest> _reads = Channel.CreateBounded<ReadRequest>(new BoundedChannelOptions(MaxQueuedReads) { SingleReader = true, SingleWriter = true });
    private Task? _readServer;
    private bool _roundPeerReady;

    /// <summary>Completes when the peer has taken part and the session is registered (never for an observer).</summary>
    public Task Activated => _activated.Task;

    /// <summary>Whether the peer has taken part in the group on this connection.</summary>
    public bool IsActive => _activated.Task.IsCompleted;

    /// <summary>The ready flag this member puts into its IndexBatches (protocol version 2 only).</summary>
    private bool ReadyFlag => _connection.Version >= ProtocolVersions.Observers && _group.IsReady;

    private static bool TakesPart(ProtocolMessage message) => message is IndexBatch or Offer or Want;

    /// <summary>The peer sent its index, an offer or a want: register the session, record the peer, start pushing.</summary>
    private async Task ActivateAsync(ReceiveBatch batch, CancellationToken ct)
    {
        batch.Flush();
        var loser = _group.Register(this);
        if (ReferenceEquals(loser, this))
        {
            PeerLog.DuplicateClosed(_log, _group.Name, Peer);
            Stop("another connection with this member is kept");
            ct.ThrowIfCancellationRequested();
        }

        // Readiness hears of this session before the one it replaces ends, so that it never sees the peer gone.
        _group.Readiness.SessionActive(this, Peer);
        loser?.Stop("replaced by another connection with the same member");
        using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
        using (var state = _group.Group.Store.BeginBatch())
        {
            state.EnsurePeers([(Peer, _address)]);
            state.Commit();
        }

        PeerLog.Connected(_log, _group.Name, Peer, _connection.Role == Security.HandshakeRole.Initiator ? "dialled" : "accepted", _connection.Version);
        _activated.TrySetResult();
    }

    private async Task PushWhenActiveAsync(CancellationToken ct)
    {
        await _activated.Task.WaitAsync(ct).ConfigureAwait(false);
        if (_group.ReceiveOnly)
        {
            // A receive-only member never offers; the session ends with the other loops.
            await Task.Delay(Timeout.InfiniteTimeSpan, _group.Time, ct).ConfigureAwait(false);
        }
        else
        {
            await PushLoopAsync(ct).ConfigureAwait(false);
        }
    }

    /// <summary>How far this member has read the peer's index, read without recording anything (the peer may be an observer).</summary>
    private async Task<long> ReadPeerProgressAsync(CancellationToken ct)
    {
        using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
        {
            return _group.Group.Store.ReadPeers().FirstOrDefault(p => p.Node == Peer)?.TheirSeqSeen ?? 0;
        }
    }

    /// <summary>Notes what an IndexBatch says of its sender's readiness; a version 1 peer cannot say and counts as ready.</summary>
    private void NotePeerReadiness(IndexBatch index)
    {
        var ready = index.SenderReady || _connection.Version < ProtocolVersions.Observers;
        if (ready)
        {
            _group.Readiness.PeerSaidReady(Peer);
        }

        if (!index.More)
        {
            lock (_lock)
            {
                _roundPeerReady = ready;
            }
        }
    }

    private void OnReadRequest(ReadRequest read)
    {
        if (_connection.Version < ProtocolVersions.Observers)
        {
            throw Unexpected("ReadRequest on a protocol version 1 connection");
        }

        if (IsMine(read.RequestId))
        {
            throw Unexpected($"ReadRequest id {read.RequestId} is not an id of the peer");
        }

        if (!_reads.Writer.TryWrite(read))
        {
            throw Unexpected($"more than {MaxQueuedReads} ReadRequests awaiting their answers");
        }

        lock (_lock)
        {
            if (_readServer is null)
            {
                _readServer = Task.Run(() => ServeReadsAsync(_stop.Token));
                Track(_readServer);
            }
        }
    }

    /// <summary>Answers ReadRequests one at a time, in order: the entry, then the content of a live file.</summary>
    private async Task ServeReadsAsync(CancellationToken ct)
    {
        await foreach (var read in _reads.Reader.ReadAllAsync(ct).ConfigureAwait(false))
        {
            await ServeReadAsync(read, ct).ConfigureAwait(false);
        }
    }

    private async Task ServeReadAsync(ReadRequest read, CancellationToken ct)
    {
        if (!_group.Rules.IsIncluded(read.Path))
        {
            _send.Reply(new Refuse(read.RequestId, "excluded by this member's rules"));
            return;
        }

        State.FileRecord? row;
        using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
        {
            row = _group.Group.Store.Get(read.Path);
        }

        if (row is null)
        {
            _send.Reply(new Refuse(read.RequestId, "not known here"));
            return;
        }

        var hasContent = row is { Deleted: false, Type: EntryType.File } && row.Size > 0;
        if (hasContent && row.Size > read.MaxSize)
        {
            _send.Reply(new Refuse(read.RequestId, $"{row.Size} bytes, more than the {read.MaxSize} asked for"));
            return;
        }

        FileStat stat = default;
        string? reason = null;
        using var handle = hasContent ? _group.Applier.OpenRead(read.Path, out stat, out reason) : null;
        if (hasContent && (handle is null || stat.Size != row.Size || stat.MtimeNs != row.MtimeNs))
        {
            // Through a symlink, gone, or changed since the scan: the content is not what the entry says.
            _send.Reply(new Refuse(read.RequestId, handle is null ? reason ?? "cannot be read" : "changed since it was scanned"));
            return;
        }

        await _send.SendBulkAsync(new ReadReply(read.RequestId, WireEntry.FromRecord(row)), ct).ConfigureAwait(false);
        if (handle is not null)
        {
            await SendContentAsync(read.RequestId, handle, row.Size, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Exactly <paramref name="size"/> bytes in ReadChunks, or a Refuse when the file got shorter meanwhile.</summary>
    private async Task SendContentAsync(ulong id, Microsoft.Win32.SafeHandles.SafeFileHandle handle, long size, CancellationToken ct)
    {
        long offset = 0;
        while (offset < size)
        {
            var buffer = new byte[(int)Math.Min(ReadChunk.MaxDataLength, size - offset)];
            var read = await RandomAccess.ReadAsync(handle, buffer, offset, ct).ConfigureAwait(false);
            if (read == 0)
            {
                _send.Reply(new Refuse(id, "changed while it was read"));
                return;
            }

            await _send.SendBulkAsync(new ReadChunk(id, buffer.AsMemory(0, read)), ct).ConfigureAwait(false);
            offset += read;
        }
    }
}
