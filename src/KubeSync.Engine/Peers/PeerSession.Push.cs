using System.Security.Cryptography;

using KubeSync.Engine.Applying;
using KubeSync.Engine.Delta;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>
/// The pushing side: every row the state owes the peer is offered, up to a window of offers in flight; small files
/// travel inline, large ones as a delta against the peer's copy once it answers Need. The answers confirm (the
/// dirty mark goes), report a conflict (both sides apply the policy), or refuse (offered again later).
/// </summary>
public sealed partial class PeerSession
{
    private readonly Dictionary<ulong, OutgoingOffer> _outgoing = [];
    private readonly HashSet<string> _offeredPaths = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _retryAfter = new(StringComparer.Ordinal);

    private async Task PushLoopAsync(CancellationToken ct)
    {
        while (true)
        {
            _wakeRequested = false;
            string? cursor = null;

            // Large files met while every stream slot is taken wait here, so the rows after them (a config file behind a
            // run of uploads) are not held up by transfers that have to finish first; they are offered at the end of the
            // pass, in order. Past OwedPage of them the pusher waits for a slot as before (memory stays bounded).
            var deferred = new List<FileRecord>();
            while (true)
            {
                IReadOnlyList<FileRecord> page;
                using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
                {
                    page = _group.Group.Store.ReadOwed(Peer, cursor, _group.Tuning.OwedPage);
                }

                if (page.Count == 0)
                {
                    break;
                }

                cursor = page[^1].Path.Value;

                // Directories before their children, removals after them (DESIGN 3.5).
                using var parents = new ReadParents();
                foreach (var row in page.Where(r => !r.Deleted).Concat(page.Where(r => r.Deleted).Reverse()))
                {
                    if (IsStreamed(row) && _streamWindow.CurrentCount == 0 && deferred.Count < _group.Tuning.OwedPage)
                    {
                        deferred.Add(row);
                        continue;
                    }

                    await OfferAsync(row, parents, ct).ConfigureAwait(false);
                }
            }

            using (var parents = new ReadParents())
            {
                foreach (var row in deferred)
                {
                    await OfferAsync(row, parents, ct).ConfigureAwait(false);
                }
            }

            if (!_wakeRequested)
            {
                await _wake.WaitAsync(CurrentRetryDelay, ct).ConfigureAwait(false);
            }
        }
    }

    private async Task OfferAsync(FileRecord row, ReadParents parents, CancellationToken ct)
    {
        var path = row.Path.Value;
        lock (_lock)
        {
            if (_offeredPaths.Contains(path)
                || (_retryAfter.TryGetValue(path, out var after) && _group.Time.GetTimestamp() < after))
            {
                return;
            }

            _retryAfter.Remove(path);
        }

        ReadOnlyMemory<byte>? inline = null;
        if (row is { Deleted: false, Type: EntryType.File } && row.Size <= ProtocolLimits.MaxInlineData)
        {
            inline = ReadInline(row, parents);
            if (inline is null)
            {
                RetryLater(path);
                _group.RequestScan(row.Path);
                return;
            }
        }

        if (row.HashPending && _connection.Version < ProtocolVersions.HashFollows)
        {
            // A peer of an older release needs the hash in the offer: the scan of the path hashes the file first.
            RetryLater(path);
            _group.RequestScan(row.Path);
            return;
        }

        // A large file holds a temp file (and its basis) open on the receiver from the offer to the end of its stream.
        var streamed = IsStreamed(row);
        await _window.WaitAsync(ct).ConfigureAwait(false);
        if (streamed)
        {
            try
            {
                await _streamWindow.WaitAsync(ct).ConfigureAwait(false);
            }
            catch
            {
                _window.Release();
                throw;
            }
        }

        var id = NextId();
        var offer = new Offer(id, WireEntry.FromRecord(row), inline);
        lock (_lock)
        {
            _outgoing[id] = new OutgoingOffer(offer.Entry, inline?.Length ?? 0, streamed);
            _offeredPaths.Add(path);
        }

        await _send.SendBulkAsync(offer, ct).ConfigureAwait(false);
    }

    /// <summary>A live file too large to go inline: its offer takes a slot of the stream window.</summary>
    private static bool IsStreamed(FileRecord row) => row is { Deleted: false, Type: EntryType.File, Size: > ProtocolLimits.MaxInlineData };

    /// <summary>
    /// The content of a small file, if it still is what the row records (else it changed: rescan first). As for a
    /// large file, the file is what the scan hashed while its size, mtime and inode are the recorded ones before and
    /// after the read (the scanner's own test); only a row the scan marked racy (written within the file system's
    /// timestamp granularity of its scan) is hashed again. The receiver verifies the SHA-256 in any case.
    /// </summary>
    private byte[]? ReadInline(FileRecord row, ReadParents parents)
    {
        using var handle = _group.Applier.OpenRead(row.Path, out var before, out _, parents);
        if (handle is null || row.Hash is null || !SameFile(before, row))
        {
            return null;
        }

        var data = GC.AllocateUninitializedArray<byte>((int)row.Size); // filled below, or dropped
        var read = 0;
        while (read < data.Length)
        {
            var n = RandomAccess.Read(handle, data.AsSpan(read), read);
            if (n == 0)
            {
                return null;
            }

            read += n;
        }

        if (row.Racy)
        {
            return SHA256.HashData(data).AsSpan().SequenceEqual(row.Hash) ? data : null;
        }

        return NativeFileSystem.TryStat(handle, out var after) == 0 && SameFile(after, row) ? data : null;
    }

    private static bool SameFile(FileStat stat, FileRecord row) =>
        stat.Size == row.Size && stat.MtimeNs == row.MtimeNs && stat.Inode == row.Inode;

    private void RetryLater(string path)
    {
        lock (_lock)
        {
            _retryAfter[path] = _group.Time.GetTimestamp() + (long)(CurrentRetryDelay.TotalSeconds * _group.Time.TimestampFrequency);
        }
    }

    private OutgoingOffer? TakeOutgoing(ulong id)
    {
        lock (_lock)
        {
            if (!_outgoing.Remove(id, out var offer))
            {
                return null;
            }

            _offeredPaths.Remove(offer.Entry.Path.Value);
            _window.Release();
            if (offer.Streamed)
            {
                _streamWindow.Release();
            }

            return offer;
        }
    }

    private void OnNeed(Need need, CancellationToken ct)
    {
        OutgoingOffer offer;
        lock (_lock)
        {
            if (!_outgoing.TryGetValue(need.RequestId, out offer!) || offer.Streaming || offer.InlineLength > 0 || offer.Entry.Deleted || offer.Entry.Type != EntryType.File)
            {
                throw Unexpected($"Need for {need.RequestId}, which is not an offer of a file's content awaiting an answer");
            }

            offer.Streaming = true;
        }

        var signature = need.DecodeSignature(_group.MaxSignatureBlocks);
        if (signature.Kind == BlockHashKind.Xxh3 && _connection.Version < ProtocolVersions.FastBlockHash)
        {
            throw Unexpected($"an XXH3 signature (format {SignatureCodec.Xxh3Version}) on a version {_connection.Version} connection");
        }

        Track(Task.Run(() => StreamDeltaAsync(need.RequestId, offer, signature, ct), ct));
    }

    private async Task StreamDeltaAsync(ulong id, OutgoingOffer offer, BlockSignature signature, CancellationToken ct)
    {
        var entry = offer.Entry;
        await _encodes.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            using var handle = _group.Applier.OpenRead(entry.Path, out var before, out var reason);
            if (handle is null)
            {
                AbandonTransfer(id, entry, reason ?? "gone");
                return;
            }

            // The offered hash is the scan's; the file is what the scan hashed while its size, mtime and inode are
            // the offered ones, before and after the read (the scanner's own test). The receiver verifies SHA-256.
            // Without an offered hash (version 7) the file is hashed as it is read, on the same terms, and the
            // DeltaEnd carries the hash.
            var hashFollows = entry.HashPending;
            if (before.Size != entry.Size || before.MtimeNs != entry.MtimeNs)
            {
                AbandonTransfer(id, entry, "changed since it was offered");
                return;
            }

            DeltaEncodeResult result;
            FileStat after;
            // Unbuffered: the encoder reads 64 KiB and more at a time into its own buffer.
            await using (var content = new FileStream(handle, FileAccess.Read, bufferSize: 0))
            {
                using var chunks = new DeltaChunkWriter(
                    (chunk, c) => offer.Refused ? throw new TransferRefusedException() : _send.SendBulkAsync(new DeltaChunk(id, chunk.ToArray()), c),
                    signature.BlockSize);
                result = await DeltaEncoder.EncodeAsync(content, signature, chunks, hashContent: hashFollows, ct).ConfigureAwait(false);
                await chunks.FlushAsync(ct).ConfigureAwait(false);
                if (NativeFileSystem.TryStat(handle, out after) != 0)
                {
                    after = default;
                }
            }

            if (result.Length != entry.Size || after.Size != before.Size || after.MtimeNs != before.MtimeNs || after.Inode != before.Inode)
            {
                AbandonTransfer(id, entry, "changed while it was sent");
                return;
            }

            await _send.SendBulkAsync(new DeltaEnd(id, result.Length, entry.Hash ?? result.ContentHash), ct).ConfigureAwait(false);
            _group.Counters.FileSent(result.LiteralBytes);
            _group.Counters.DeltaSaved(result.CopiedBytes);
            if (hashFollows)
            {
                // Not cut short by the session's end (a one-shot sync stops once the ack is in): a short transaction,
                // which the session's shutdown waits for.
                await FillHashAsync(entry, after, result.ContentHash, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (TransferRefusedException)
        {
            // The peer refused the file while it streamed (it could not write it): stop sending, and say so. The
            // Refuse already put the path on the retry list.
            _send.Reply(new Refuse(id, "abandoned: the peer refused it"));
        }
        catch (IOException e)
        {
            AbandonTransfer(id, entry, e.Message);
        }
        finally
        {
            _encodes.Release();
        }
    }

    private sealed class TransferRefusedException : Exception;

    /// <summary>
    /// Records the hash a transfer read for a row whose hash was pending, if the row is still that change and the file
    /// the one it records (the stat taken after the read, which matched the one before).
    /// </summary>
    private async Task FillHashAsync(WireEntry entry, FileStat stat, byte[] hash, CancellationToken ct)
    {
        using (await _group.Gate.EnterAsync(ct).ConfigureAwait(false))
        {
            using var batch = _group.Group.Store.BeginBatch();
            if (batch.FillHash(entry.Path, entry.Seq, stat, hash))
            {
                batch.Commit();
            }
        }
    }

    /// <summary>The file changed or vanished while it was being sent: tell the receiver to drop it, and rescan.</summary>
    private void AbandonTransfer(ulong id, WireEntry entry, string reason)
    {
        _send.Reply(new Refuse(id, $"abandoned: {reason}"));
        if (TakeOutgoing(id) is not null)
        {
            RetryLater(entry.Path.Value);
        }

        _group.RequestScan(entry.Path);
    }

    /// <summary>Have, Ack, Conflict or Refuse for one of our offers.</summary>
    private async Task OnAnswerAsync(ulong id, ProtocolMessage answer, ReceiveBatch batch, CancellationToken ct)
    {
        if (!IsMine(id))
        {
            throw Unexpected($"{answer.Type} quotes {id}, which is not one of our offers");
        }

        var offer = TakeOutgoing(id) ?? throw Unexpected($"{answer.Type} for {id}, which is not an offer awaiting an answer");
        var path = offer.Entry.Path;
        switch (answer)
        {
            case Have:
                NoteTaken();
                (await batch.OpenAsync(ct).ConfigureAwait(false)).ConfirmOffered(path, Peer, offer.Entry.Seq, offer.Entry.Version);
                break;
            case Ack ack:
                NoteTaken();
                var state = await batch.OpenAsync(ct).ConfigureAwait(false);
                if (!ack.Version.Equals(offer.Entry.Version))
                {
                    state.Confirm(path, Peer, ack.Version);
                }
                else
                {
                    state.ConfirmOffered(path, Peer, offer.Entry.Seq, ack.Version);
                    if (ack.Seq > 0)
                    {
                        // The peer holds exactly what we sent under that seq (a version of its own would not be ours).
                        NoteAckedSeq(state, ack.Seq, batch);
                    }
                }

                if (!offer.Streaming)
                {
                    _group.Counters.FileSent(offer.InlineLength);
                }

                break;
            case Conflict conflict:
                if (conflict.TheirEntry.Path != path)
                {
                    throw new ProtocolException(ProtocolError.Malformed, $"Conflict for {Printable(path)} carries the entry of {Printable(conflict.TheirEntry.Path)}");
                }

                if (!await OnTypeConflictAnswerAsync(offer.Entry, conflict.TheirEntry, batch, ct).ConfigureAwait(false))
                {
                    await OnConflictAnswerAsync(offer, conflict.TheirEntry, batch, ct).ConfigureAwait(false);
                }

                break;
            case Refuse refuse:
                offer.Refused = true;
                NoteRefused(path, refuse.Reason);
                RetryLater(path.Value);
                if (offer.Entry.HashPending)
                {
                    // Offered with its hash to follow: the peer may need the hash to compare (a version concurrent
                    // with its own). The scan of the path hashes the file before the retry.
                    _group.RequestScan(path);
                }

                break;
        }
    }

    /// <summary>The peer kept its concurrent version: apply the same policy it applied, with the same two sides.</summary>
    private async Task OnConflictAnswerAsync(OutgoingOffer offer, WireEntry theirs, ReceiveBatch batch, CancellationToken ct)
    {
        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        var local = state.Read(offer.Entry.Path);
        if (local is null || !local.Version.Equals(offer.Entry.Version) || local.Version.Compare(theirs.Version) != VersionOrder.Concurrent)
        {
            // Ours changed since the offer: the next offer settles it.
            return;
        }

        if (local.HashPending || theirs.HashPending)
        {
            // A policy compares contents (and keep-both copies ours): hash first; the next offer settles it.
            _group.RequestScan(local.Path);
            RetryLater(local.Path.Value);
            return;
        }

        _group.Counters.Conflict();
        var (mine, their) = Sides(local, theirs);
        var outcome = ConflictResolver.Resolve(_group.Policy, mine, their);
        if (!outcome.IsResolved)
        {
            state.RecordConflict(local.Path, Peer, theirs.Version, theirs.Hash);
            PeerLog.ConflictKept(_log, _group.Name, local.Path, Peer);
        }
        else if (ReferenceEquals(outcome.Winner, mine))
        {
            state.RecordVersion(local.Path, VersionDecider.Resolved(local.Version, theirs.Version));
            batch.After(_group.NotifyChanged);
            PeerLog.ConflictResolved(_log, _group.Name, local.Path, _group.Policy, _group.Node, Peer);
        }
        else
        {
            // The peer's content wins; it pushes its merged version to us. Keep ours aside first if asked to.
            PeerLog.ConflictResolved(_log, _group.Name, local.Path, _group.Policy, Peer, Peer);
            if (outcome.KeepLoserCopy)
            {
                await PreserveLoserAsync(local, mine.Node, batch, ct).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An offer awaiting its answer.</summary>
    private sealed class OutgoingOffer(WireEntry entry, int inlineLength, bool streamed)
    {
        public WireEntry Entry => entry;

        public int InlineLength => inlineLength;

        /// <summary>A live file too large to go inline: it holds a slot of the stream window too.</summary>
        public bool Streamed => streamed;

        /// <summary>The peer answered Need: the content is being (or was) streamed.</summary>
        public bool Streaming { get; set; }

        private volatile bool _refused;

        /// <summary>The peer refused it: a stream still running stops (set by the reading loop, read by the stream).</summary>
        public bool Refused
        {
            get => _refused;
            set => _refused = value;
        }
    }
}
