using System.Security.Cryptography;
using System.Threading.Channels;

using KubeSync.Engine.Applying;
using KubeSync.Engine.Delta;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Peers;

/// <summary>The receiving side: the peer's offers, decided by version vectors and the conflict policy, applied and recorded.</summary>
public sealed partial class PeerSession
{
    private readonly Dictionary<ulong, IncomingTransfer> _incoming = [];

    /// <summary>
    /// Transfers this member refused while they were streaming (its writer failed: a full disk, a missing root): the
    /// offerer may have sent more chunks before it read the Refuse, and ends with DeltaEnd or its own Refuse.
    /// </summary>
    private readonly HashSet<ulong> _refusedTransfers = [];

    /// <summary>Refused transfers whose end has not come yet, at most: past this a peer is not ending them.</summary>
    internal const int MaxRefusedTransfers = 4096;

    private async Task ReceiveLoopAsync(CancellationToken ct)
    {
        using var batch = new ReceiveBatch(_group, _send);
        while (true)
        {
            var next = _connection.ReceiveAsync(ct);
            if (!next.IsCompleted || batch.Count >= _group.Tuning.ReceiveBatch)
            {
                batch.Flush();
            }

            var message = await next.ConfigureAwait(false);
            Interlocked.Exchange(ref _lastReceived, _group.Time.GetTimestamp());
            if (!IsActive && message is not null && TakesPart(message))
            {
                await ActivateAsync(batch, ct).ConfigureAwait(false);
            }

            switch (message)
            {
                case null:
                    throw new ProtocolException(ProtocolError.Closed, "the peer closed the connection");
                case Goodbye goodbye:
                    throw new ProtocolException(goodbye.Error ?? ProtocolError.Closed, $"the peer said goodbye: {SyncPath.Printable(goodbye.Reason)}", reportedByPeer: true);
                case Ping ping:
                    batch.Reply(new Pong(ping.Token));
                    break;
                case Pong:
                    break;
                case IndexRequest request:
                    StartIndexSender(request.SinceSeq);
                    break;
                case IndexBatch index:
                    if (batch.Durability.Staged > 0)
                    {
                        // The index is compared with the state: files still staged must be recorded first, or they
                        // would be wanted again (and a Want the peer merges into an ack in flight is never answered).
                        batch.Flush();
                    }

                    await OnIndexBatchAsync(index, batch, ct).ConfigureAwait(false);
                    break;
                case Want want:
                    await OnWantAsync(want, batch, ct).ConfigureAwait(false);
                    break;
                case ReadRequest read:
                    OnReadRequest(read);
                    break;
                case Offer offer:
                    await OnOfferAsync(offer, batch, ct).ConfigureAwait(false);
                    break;
                case Need need:
                    OnNeed(need, ct);
                    break;
                case Have have:
                    await OnAnswerAsync(have.RequestId, have, batch, ct).ConfigureAwait(false);
                    break;
                case Ack { Seq: > 0 } when _connection.Version < ProtocolVersions.AckSeq:
                    throw Unexpected($"AckAt on a version {_connection.Version} connection");
                case Ack ack:
                    await OnAnswerAsync(ack.RequestId, ack, batch, ct).ConfigureAwait(false);
                    break;
                case Conflict conflict:
                    await OnAnswerAsync(conflict.RequestId, conflict, batch, ct).ConfigureAwait(false);
                    break;
                case Refuse refuse:
                    await OnRefuseAsync(refuse, batch, ct).ConfigureAwait(false);
                    break;
                case DeltaChunk chunk:
                    await OnChunkAsync(chunk, batch, ct).ConfigureAwait(false);
                    break;
                case DeltaEnd end:
                    await OnDeltaEndAsync(end, batch, ct).ConfigureAwait(false);
                    break;
                default:
                    throw Unexpected($"{message.Type} after the handshake");
            }

            if (TakeCompletedRound(out var seen, out var peerReady))
            {
                var state = await batch.OpenAsync(ct).ConfigureAwait(false);
                state.SetPeerProgress(Peer, seen);
                AckedThroughAtLeast(seen, batch);
                batch.After(() => _group.Readiness.RoundCompleted(this, Peer, peerReady));
            }
        }
    }

    private async Task OnOfferAsync(Offer offer, ReceiveBatch batch, CancellationToken ct)
    {
        var entry = offer.Entry;
        var path = entry.Path;
        if (IsMine(offer.RequestId) || _incoming.ContainsKey(offer.RequestId))
        {
            throw Unexpected($"offer id {offer.RequestId} is not a fresh id of the peer");
        }

        if (!_group.Rules.IsIncluded(path))
        {
            batch.Reply(new Refuse(offer.RequestId, "excluded by this member's rules"));
            Satisfied(path);
            return;
        }

        if (batch.Durability.Holds(path) || (entry.Deleted && batch.Durability.Staged > 0))
        {
            // The path (or, for a deletion, possibly a child) waits in the batch: publish it before deciding again.
            batch.Flush();
        }

        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        var local = state.Read(path);
        var remote = EntrySide.Remote(Peer, entry);
        var decision = VersionDecider.Decide(local is null ? null : EntrySide.Local(_group.Node, local), remote);
        if (decision == SyncDecision.Conflict && local is { Type: EntryType.File, Deleted: false } && entry is { Type: EntryType.File, Deleted: false }
            && (local.HashPending || entry.HashPending))
        {
            // Concurrent versions of a file are identical or in conflict by their contents: a hash still pending on
            // either side comes first (ours from the scan, theirs with the retried offer, which the refusal makes
            // the offerer hash).
            batch.Reply(new Refuse(offer.RequestId, local.HashPending ? "our concurrent version is still being hashed; rescanning" : "a concurrent version here: offer it with its content hash"));
            if (local.HashPending)
            {
                _group.RequestScan(path);
            }

            Satisfied(path);
            return;
        }

        switch (decision)
        {
            case SyncDecision.InSync:
                state.Confirm(path, Peer, entry.Version);
                batch.Reply(new Have(offer.RequestId));
                Satisfied(path);
                break;
            case SyncDecision.KeepLocal:
                state.MarkDirty(path, Peer);
                batch.Reply(new Ack(offer.RequestId, local!.Version));
                batch.After(Wake);
                Satisfied(path);
                break;
            case SyncDecision.MergeIdentical:
                var merged = state.RecordVersion(path, local!.Version.Merge(entry.Version))!;
                batch.Reply(new Ack(offer.RequestId, merged.Version));
                batch.After(_group.NotifyChanged);
                Satisfied(path);
                break;
            case SyncDecision.TakeRemote:
                await TakeAsync(offer, local, entry.Version, owedToSender: false, batch, ct).ConfigureAwait(false);
                break;
            default:
                await OnConflictingOfferAsync(offer, local!, batch, ct).ConfigureAwait(false);
                break;
        }
    }

    /// <summary>The peer offered a version concurrent with ours: the policy decides here exactly as it decides on the peer.</summary>
    private async Task OnConflictingOfferAsync(Offer offer, FileRecord local, ReceiveBatch batch, CancellationToken ct)
    {
        var entry = offer.Entry;
        var merged = VersionDecider.Resolved(local.Version, entry.Version);
        _group.Counters.Conflict();
        if (_group.ReceiveOnly)
        {
            // A receive-only member never imposes its own changes: the group's version replaces them.
            PeerLog.ReceiveOnlyOverwrite(_log, _group.Name, entry.Path, Peer);
            await TakeAsync(offer, local, merged, owedToSender: true, batch, ct).ConfigureAwait(false);
            return;
        }

        var (mine, theirs) = Sides(local, entry);
        var outcome = ConflictResolver.Resolve(_group.Policy, mine, theirs);
        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        if (!outcome.IsResolved)
        {
            state.RecordConflict(entry.Path, Peer, entry.Version, entry.Hash);
            batch.Reply(new Conflict(offer.RequestId, WireEntry.FromRecord(local)));
            PeerLog.ConflictKept(_log, _group.Name, entry.Path, Peer);
            Satisfied(entry.Path);
        }
        else if (ReferenceEquals(outcome.Winner, mine))
        {
            batch.Reply(new Conflict(offer.RequestId, WireEntry.FromRecord(local)));
            state.RecordVersion(entry.Path, merged);
            batch.After(_group.NotifyChanged);
            PeerLog.ConflictResolved(_log, _group.Name, entry.Path, _group.Policy, _group.Node, Peer);
            Satisfied(entry.Path);
        }
        else
        {
            PeerLog.ConflictResolved(_log, _group.Name, entry.Path, _group.Policy, Peer, Peer);
            if (outcome.KeepLoserCopy && !await PreserveLoserAsync(local, mine.Node, batch, ct).ConfigureAwait(false))
            {
                batch.Reply(new Refuse(offer.RequestId, "the local copy changed; rescanning before the conflict is settled"));
                Satisfied(entry.Path);
                return;
            }

            await TakeAsync(offer, local, merged, owedToSender: true, batch, ct).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Both sides of a conflict, each named after the member whose change the other lacks (the greatest such node
    /// id): every member holding the same two versions names them the same, so tie-breaks and conflict-copy
    /// names agree group-wide even when a third member relays a version.
    /// </summary>
    private (EntrySide Mine, EntrySide Theirs) Sides(FileRecord local, WireEntry remote) =>
        (EntrySide.Local(Author(local.Version, remote.Version, _group.Node), local), EntrySide.Remote(Author(remote.Version, local.Version, Peer), remote));

    private static string Author(VersionVector version, VersionVector other, string fallback)
    {
        string? author = null;
        foreach (var (node, counter) in version.Entries)
        {
            if (counter > other[node] && (author is null || string.CompareOrdinal(node, author) > 0))
            {
                author = node;
            }
        }

        return author ?? fallback;
    }

    /// <summary>keep-both: copies the local (losing) content beside the path before the winner replaces it.</summary>
    private async Task<bool> PreserveLoserAsync(FileRecord local, string loser, ReceiveBatch batch, CancellationToken ct)
    {
        if (local.HashPending)
        {
            // Never reached through an offer (a concurrent offer waits for the hash); a copy is recorded with its hash.
            _group.RequestScan(local.Path);
            return false;
        }

        if (local.Deleted || local.Type != EntryType.File || local.Hash is null)
        {
            return true;
        }

        var copy = ConflictCopyName.For(local.Path, DateTimeOffset.FromUnixTimeMilliseconds(local.MtimeNs / 1_000_000), loser);
        using var handle = _group.Applier.OpenRead(local.Path, out _, out var reason);
        if (handle is null)
        {
            PeerLog.ApplyFailed(_log, _group.Name, local.Path, Peer, reason ?? "gone");
            _group.RequestScan(local.Path);
            return false;
        }

        var meta = new FileMetadata(local.Mode, local.MtimeNs, local.Uid, local.Gid);
        var result = await _group.Applier.WriteFileAsync(copy, meta, local.Hash, async (output, c) =>
        {
            await using var source = new FileStream(handle, FileAccess.Read, 1, isAsync: false);
            await source.CopyToAsync(output, c).ConfigureAwait(false);
        }, ct).ConfigureAwait(false);
        if (result.Outcome != ApplyOutcome.Applied)
        {
            PeerLog.ApplyFailed(_log, _group.Name, copy, Peer, result.Reason ?? result.Outcome.ToString());
            _group.RequestScan(local.Path);
            return false;
        }

        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        state.RecordLocal(new LocalObservation(copy, result.Stat, local.Hash, null, false), markDirty: true, _group.Group.Ignore);
        PeerLog.ConflictCopy(_log, _group.Name, copy);
        return true;
    }

    /// <summary>Applies the offered entry as <paramref name="version"/>: inline, without content, or by starting a delta transfer.</summary>
    private async Task TakeAsync(Offer offer, FileRecord? local, VersionVector version, bool owedToSender, ReceiveBatch batch, CancellationToken ct)
    {
        var entry = offer.Entry;
        var path = entry.Path;

        // An inline file where nothing is recorded is checked once, by the applier through the open parent right
        // before its rename (Stale then answers as below); looking now would walk the full path for every new file.
        var checkedAtRename = offer.InlineData is not null && local is null or { Deleted: true };
        if (!checkedAtRename
            && ((local is { Deleted: false } && ChangedSinceRecorded(local)) || (entry.Type != EntryType.Directory && !entry.Deleted && !StillAsRecorded(path, local))))
        {
            // A local change the scanner has not recorded yet: never overwrite it unseen.
            batch.Reply(new Refuse(offer.RequestId, "changed here since the last scan; rescanning"));
            _group.RequestScan(path);
            Satisfied(path);
            return;
        }

        var commits = batch.Commits;
        (var answered, local) = await MakeWayAsync(offer, local, batch, ct).ConfigureAwait(false);
        if (answered)
        {
            return;
        }

        // Nothing recorded for the path when the still open transaction read it: no marks or conflicts to clear.
        var newPath = local is null && batch.Commits == commits;

        var meta = new FileMetadata(entry.Mode, entry.MtimeNs, entry.Uid, entry.Gid);
        ApplyResult result;
        if (entry.Deleted)
        {
            result = _group.Applier.Delete(path, batch.Durability);
        }
        else if (entry.Type == EntryType.Directory)
        {
            result = _group.Applier.CreateDirectory(path, meta, batch.Durability);
        }
        else if (entry.Type == EntryType.Symlink)
        {
            result = string.IsNullOrEmpty(entry.LinkTarget)
                ? ApplyResult.Failed("a symlink without a target")
                : _group.Applier.CreateSymlink(path, entry.LinkTarget, meta, batch.Durability);
        }
        else if (entry.Hash is null && _connection.Version < ProtocolVersions.HashFollows)
        {
            throw new ProtocolException(ProtocolError.Malformed, $"offer of file {Printable(path)} without a content hash");
        }
        else if (offer.InlineData is { } inline)
        {
            // Offer.Read checked the bytes against entry.Hash when the frame was decoded.
            var staged = _group.Applier.StageVerifiedFile(path, meta, inline.Span, batch.Durability);
            if (staged.File is { } file)
            {
                _group.Counters.FileReceived(inline.Length);
                await StageAsync(file, offer.RequestId, entry, local, version, owedToSender, batch, ct, newPath).ConfigureAwait(false);
                return;
            }

            result = staged.Failure!;
        }
        else
        {
            if (local is { Deleted: false, Type: EntryType.File })
            {
                // Building the signature of our copy reads all of it: not while holding the state.
                batch.Flush();
            }

            await StartTransferAsync(offer, local, version, owedToSender, ct).ConfigureAwait(false);
            return;
        }

        await RecordAppliedAsync(offer.RequestId, entry, version, owedToSender, result, batch, ct, newPath && batch.Commits == commits).ConfigureAwait(false);
    }

    /// <summary>
    /// Hands a verified file to the batch: it is renamed into place when the batch flushes (if the local copy is
    /// still as recorded then), recorded in the same transaction, and acknowledged after the commit.
    /// </summary>
    /// <param name="newPath">The transaction that will record the file read no row for its path.</param>
    private async Task StageAsync(StagedFile file, ulong requestId, WireEntry entry, FileRecord? local, VersionVector version, bool owedToSender, ReceiveBatch batch, CancellationToken ct, bool newPath = false)
    {
        var state = await batch.OpenAsync(ct).ConfigureAwait(false);
        batch.Stage(file, now => StillAsRecorded(now, local), result => RecordApplied(state, requestId, entry, version, owedToSender, result, batch, newPath));
        Satisfied(entry.Path);
    }

    private async Task RecordAppliedAsync(ulong requestId, WireEntry entry, VersionVector version, bool owedToSender, ApplyResult result, ReceiveBatch batch, CancellationToken ct, bool newPath = false)
    {
        var state = result.Outcome == ApplyOutcome.Applied ? await batch.OpenAsync(ct).ConfigureAwait(false) : null;
        RecordApplied(state, requestId, entry, version, owedToSender, result, batch, newPath);
        Satisfied(entry.Path);
    }

    private void RecordApplied(StateBatch? state, ulong requestId, WireEntry entry, VersionVector version, bool owedToSender, ApplyResult result, ReceiveBatch batch, bool newPath = false)
    {
        var path = entry.Path;
        switch (result.Outcome)
        {
            case ApplyOutcome.Applied:
                var row = state!.RecordReceived(path, entry.Type, version, entry.Deleted, entry.Hash, entry.LinkTarget, result.Stat, Peer, owedToSender, newPath);

                // The row's seq tells the offerer which entry of our index it now knows, unless we still owe it the row.
                batch.Reply(new Ack(requestId, version, owedToSender || _connection.Version < ProtocolVersions.AckSeq ? 0 : row.Seq));
                batch.Applied(path);
                if (entry.Type == EntryType.File && !entry.Deleted && SignatureCache.Worthwhile(entry.Size) && result.Stat is { } stat)
                {
                    batch.After(() => _group.KeepSignature(path, entry.Hash!, stat));
                }

                break;
            case ApplyOutcome.Stale:
                // The app wrote the file after the offer was accepted: its change is recorded first, then offered.
                batch.Reply(new Refuse(requestId, "changed here since the last scan; rescanning"));
                _group.RequestScan(path);
                break;
            case ApplyOutcome.Refused:
                throw new ProtocolException(ProtocolError.UnsafePath, $"{Printable(path)}: {result.Reason}");
            case ApplyOutcome.HashMismatch:
                throw new ProtocolException(ProtocolError.BadContent, result.Reason ?? $"{Printable(path)} does not match its hash");
            default:
                LogApplyFailed(path, result.Reason ?? "failed");
                batch.Reply(new Refuse(requestId, result.Reason ?? "could not apply"));
                break;
        }
    }

    /// <summary>Failures logged one by one per <see cref="ApplyFailureWindow"/>; the rest are summed up (a full disk or a missing root fails every file).</summary>
    internal const int ApplyFailuresLogged = 10;

    private static readonly TimeSpan ApplyFailureWindow = TimeSpan.FromSeconds(10);
    private long _applyFailureWindowStart;
    private int _applyFailuresInWindow;
    private int _applyFailuresSummed;
    private string? _lastSummedFailure;

    private void LogApplyFailed(SyncPath path, string reason)
    {
        if (_group.Time.GetElapsedTime(_applyFailureWindowStart) >= ApplyFailureWindow)
        {
            LogSummedApplyFailures();
            _applyFailureWindowStart = _group.Time.GetTimestamp();
            _applyFailuresInWindow = 0;
        }

        if (++_applyFailuresInWindow <= ApplyFailuresLogged)
        {
            PeerLog.ApplyFailed(_log, _group.Name, path, Peer, reason);
        }
        else
        {
            _applyFailuresSummed++;
            _lastSummedFailure = $"{Printable(path)}: {reason}";
        }
    }

    private void LogSummedApplyFailures()
    {
        if (_applyFailuresSummed > 0)
        {
            PeerLog.ApplyFailuresSummed(_log, _group.Name, _applyFailuresSummed, Peer, (int)Math.Ceiling(_group.Time.GetElapsedTime(_applyFailureWindowStart).TotalSeconds), _lastSummedFailure ?? "");
            _applyFailuresSummed = 0;
        }
    }

    /// <summary>Whether what is on disk at the path differs from its row (a change the scanner has not seen).</summary>
    private bool ChangedSinceRecorded(FileRecord local)
    {
        var rc = NativeFileSystem.TryStat(_group.Group.FullPath(local.Path), out var stat);
        return rc != 0 || Differs(stat, local);
    }

    private static bool Differs(FileStat stat, FileRecord local) =>
        stat.Type != local.Type
        || (local.Type == EntryType.File && (stat.Size != local.Size || stat.MtimeNs != local.MtimeNs || stat.Inode != local.Inode));

    /// <summary>Whether a file may replace what is at the path: it is as recorded, or absent where the state knows nothing (or a deletion).</summary>
    private bool StillAsRecorded(SyncPath path, FileRecord? local) =>
        local is { Deleted: false }
            ? !ChangedSinceRecorded(local)
            : NativeFileSystem.TryStat(_group.Group.FullPath(path), out _) == LibC.ENOENT;

    /// <summary>The same test, given what is at the path now (null: nothing), as the applier found it through the open parent.</summary>
    private static bool StillAsRecorded(FileStat? now, FileRecord? local) =>
        local is { Deleted: false } ? now is { } stat && !Differs(stat, local) : now is null;

    /// <summary>Starts receiving a large file: our block signature goes out as Need, the chunks stream into a temp file.</summary>
    /// <remarks>The Need leaves at once, ahead of the burst's acks: it promises nothing, and the sender starts streaming sooner.</remarks>
    private async Task StartTransferAsync(Offer offer, FileRecord? local, VersionVector version, bool owedToSender, CancellationToken ct)
    {
        var entry = offer.Entry;
        var maxBlocks = _group.MaxSignatureBlocks;
        var kind = _connection.Version >= ProtocolVersions.FastBlockHash ? BlockHashKind.Xxh3 : BlockHashKind.Murmur3;
        FileStat basisStat = default;
        var basis = local is { Deleted: false, Type: EntryType.File } ? _group.Applier.OpenRead(entry.Path, out basisStat, out _) : null;
        BlockSignature? kept = null;
        BlockSignature signature;
        if (basis is null)
        {
            signature = BlockSignature.Empty(SignatureBuilder.ChooseBlockSize(entry.Size, maxBlocks), kind);
        }
        else if (SignatureCache.Worthwhile(basisStat.Size)
            && (kept = _group.Signatures.TryGet(entry.Path, local!.Hash, basisStat, SignatureBuilder.ChooseBlockSize(basisStat.Size, maxBlocks), kind, maxBlocks)) is not null)
        {
            // Kept when this file arrived, and it has not changed since (SignatureCache): no read of the basis.
            signature = kept;
            _group.Counters.SignatureReused();
        }
        else
        {
            signature = await SignatureBuilder.BuildAsync(basis, maxBlocks, kind, ct).ConfigureAwait(false);
        }

        var transfer = new IncomingTransfer(offer.RequestId, entry, local, version, owedToSender, basis) { KeptSignature = kept is not null };
        _incoming.Add(offer.RequestId, transfer);
        var meta = new FileMetadata(entry.Mode, entry.MtimeNs, entry.Uid, entry.Gid);
        // Without an offered hash (version 7) the rebuilt file is checked against the DeltaEnd's, known by the time
        // the writer finishes: it ends only after the DeltaEnd (a hash still missing then is a mismatch, not a crash).
        transfer.Start(_group.Applier.StageFileAsync(entry.Path, meta, () => transfer.Entry.Hash ?? [], (output, c) => transfer.WriteAsync(signature, output, c), ct));
        var strongLength = _connection.Version >= ProtocolVersions.ShortSignatures ? DeltaLimits.ShortStrongHashLength : DeltaLimits.StrongHashLength;
        _send.Reply(new Need(offer.RequestId, SignatureCodec.Encode(signature, strongLength)));
    }

    private async Task OnChunkAsync(DeltaChunk chunk, ReceiveBatch batch, CancellationToken ct)
    {
        if (!_incoming.TryGetValue(chunk.RequestId, out var transfer))
        {
            if (_refusedTransfers.Contains(chunk.RequestId))
            {
                return;
            }

            throw Unexpected($"DeltaChunk for {chunk.RequestId}, which is not a transfer in progress");
        }

        _group.Counters.AddBytesReceived(chunk.Chunk.Length);
        if (!await transfer.PushAsync(chunk.Chunk, ct).ConfigureAwait(false))
        {
            // The writer stopped early: its failure says why (bad instructions, too long, a disk error). What the
            // offerer still sends for it is dropped until it ends the transfer.
            if (_refusedTransfers.Count >= MaxRefusedTransfers)
            {
                throw Unexpected($"{MaxRefusedTransfers} refused transfers the peer never ended");
            }

            _refusedTransfers.Add(chunk.RequestId);
            batch.Flush();
            await FinishTransferAsync(transfer, null, batch, ct).ConfigureAwait(false);
        }
    }

    private async Task OnDeltaEndAsync(DeltaEnd end, ReceiveBatch batch, CancellationToken ct)
    {
        if (!_incoming.TryGetValue(end.RequestId, out var transfer))
        {
            if (_refusedTransfers.Remove(end.RequestId))
            {
                return;
            }

            throw Unexpected($"DeltaEnd for {end.RequestId}, which is not a transfer in progress");
        }

        if (transfer.Entry.Hash is null)
        {
            // The offer left the hash to follow: what was rebuilt must hash to this, and is recorded with it.
            transfer.Entry = transfer.Entry with { Hash = end.Sha256 };
        }

        if (end.Length != transfer.Entry.Size || !CryptographicOperations.FixedTimeEquals(end.Sha256, transfer.Entry.Hash))
        {
            throw new ProtocolException(ProtocolError.BadContent, $"{Printable(transfer.Entry.Path)}: the transfer ended with a length or hash other than offered");
        }

        await FinishTransferAsync(transfer, end, batch, ct).ConfigureAwait(false);
    }

    private async Task FinishTransferAsync(IncomingTransfer transfer, DeltaEnd? end, ReceiveBatch batch, CancellationToken ct)
    {
        _incoming.Remove(transfer.RequestId);
        transfer.Complete(null);
        StageResult staged;
        try
        {
            staged = await transfer.Task.ConfigureAwait(false);
            if (staged.File is { } rebuilt && transfer.TakeBasis() is { } basis)
            {
                rebuilt.HoldReplaced(basis);
            }
        }
        catch (InvalidDataException e)
        {
            throw new ProtocolException(ProtocolError.BadContent, $"{Printable(transfer.Entry.Path)}: invalid delta: {e.Message}", e);
        }
        catch (IOException e)
        {
            staged = StageResult.Failed(ApplyResult.Failed($"writing {Printable(transfer.Entry.Path)} failed: {e.Message}"));
        }
        finally
        {
            transfer.Dispose();
        }

        if (end is null && staged.File is not null)
        {
            staged.File.Dispose();
            throw new ProtocolException(ProtocolError.BadContent, $"{Printable(transfer.Entry.Path)}: the content ended before DeltaEnd");
        }

        if (staged.File is { } file)
        {
            _group.Counters.FileReceived(0);
            _group.Counters.DeltaSaved(transfer.CopiedBytes);
            await StageAsync(file, transfer.RequestId, transfer.Entry, transfer.Local, transfer.Version, transfer.OwedToSender, batch, ct).ConfigureAwait(false);
            return;
        }

        var result = staged.Failure!;
        if (result.Outcome == ApplyOutcome.HashMismatch && transfer.HadBasis)
        {
            // Our own basis may have changed under the transfer (an in-place writer), or a kept signature misled the
            // rebuild: not the peer's fault. The retry signs the file as it is.
            if (transfer.KeptSignature)
            {
                _group.Signatures.Forget(transfer.Entry.Path);
            }

            PeerLog.ApplyFailed(_log, _group.Name, transfer.Entry.Path, Peer, "the rebuilt file does not match; the local copy probably changed during the transfer");
            batch.Reply(new Refuse(transfer.RequestId, "rebuilt content did not match; retry"));
            _group.RequestScan(transfer.Entry.Path);
            Satisfied(transfer.Entry.Path);
            return;
        }

        await RecordAppliedAsync(transfer.RequestId, transfer.Entry, transfer.Version, transfer.OwedToSender, result, batch, ct).ConfigureAwait(false);
    }

    private void AbortTransfers()
    {
        foreach (var transfer in _incoming.Values)
        {
            transfer.Complete(new OperationCanceledException("the connection closed"));
            Track(transfer.Task.ContinueWith(
                t =>
                {
                    transfer.Dispose();
                    if (t.IsCompletedSuccessfully)
                    {
                        t.Result.File?.Dispose();
                    }
                },
                TaskScheduler.Default));
        }

        _incoming.Clear();
    }

    private async Task OnRefuseAsync(Refuse refuse, ReceiveBatch batch, CancellationToken ct)
    {
        if (!IsMine(refuse.RequestId))
        {
            // The offering peer gave up on a transfer it started (its file changed while sending).
            if (!_incoming.Remove(refuse.RequestId, out var transfer))
            {
                if (_refusedTransfers.Remove(refuse.RequestId))
                {
                    return; // it stopped sending what we refused
                }

                throw Unexpected($"Refuse for {refuse.RequestId}, which is not a transfer in progress");
            }

            transfer.Complete(new OperationCanceledException(refuse.Reason));
            try
            {
                (await transfer.Task.ConfigureAwait(false)).File?.Dispose();
            }
            catch (OperationCanceledException)
            {
                // Expected: the temp file is gone.
            }
            finally
            {
                transfer.Dispose();
            }

            Satisfied(transfer.Entry.Path);
            return;
        }

        SyncPath? wanted;
        lock (_lock)
        {
            _wants.Remove(refuse.RequestId, out wanted);
        }

        if (wanted is not null)
        {
            PeerLog.WantRefused(_log, _group.Name, wanted, Peer, refuse.Reason);
            Satisfied(wanted);
            return;
        }

        await OnAnswerAsync(refuse.RequestId, refuse, batch, ct).ConfigureAwait(false);
    }

    /// <summary>Whether a large file at <paramref name="path"/> is streaming in (its offer came, its DeltaEnd not yet).</summary>
    private bool IsIncoming(SyncPath path) => _incoming.Values.Any(t => t.Entry.Path == path);

    /// <summary>The received message said nothing else is coming for a path we wanted in a pull round.</summary>
    private void Satisfied(SyncPath path)
    {
        lock (_lock)
        {
            if (_awaiting.Remove(path.Value, out var wantId))
            {
                _wants.Remove(wantId);
            }
        }
    }

    /// <summary>One incoming delta transfer: the chunks go through a bounded channel to the applier's writer.</summary>
    private sealed class IncomingTransfer(ulong requestId, WireEntry entry, FileRecord? local, VersionVector version, bool owedToSender, Microsoft.Win32.SafeHandles.SafeFileHandle? basis) : IDisposable
    {
        private Microsoft.Win32.SafeHandles.SafeFileHandle? _basis = basis;
        private readonly Channel<ReadOnlyMemory<byte>> _chunks = Channel.CreateBounded<ReadOnlyMemory<byte>>(new BoundedChannelOptions(8) { SingleReader = true, SingleWriter = true });

        public ulong RequestId => requestId;

        /// <summary>The offered entry; one offered without its hash gets the DeltaEnd's (set before the writer completes).</summary>
        public WireEntry Entry { get; set; } = entry;

        /// <summary>The local row when the offer was accepted: the rename happens only if the disk still matches it.</summary>
        public FileRecord? Local => local;

        public VersionVector Version => version;

        public bool OwedToSender => owedToSender;

        public bool HadBasis { get; } = basis is not null;

        /// <summary>The basis's signature came from the <see cref="SignatureCache"/>.</summary>
        public bool KeptSignature { get; init; }

        public long CopiedBytes { get; private set; }

        public Task<StageResult> Task { get; private set; } = null!;

        public void Start(Task<StageResult> writer)
        {
            Task = writer;
            _ = writer.ContinueWith(t => _chunks.Writer.TryComplete(t.Exception), TaskScheduler.Default);
        }

        /// <summary>Queues a chunk; false when the writer has stopped.</summary>
        public async ValueTask<bool> PushAsync(ReadOnlyMemory<byte> chunk, CancellationToken ct)
        {
            try
            {
                await _chunks.Writer.WriteAsync(chunk, ct).ConfigureAwait(false);
                return true;
            }
            catch (ChannelClosedException)
            {
                return false;
            }
        }

        public void Complete(Exception? error) => _chunks.Writer.TryComplete(error);

        public async Task WriteAsync(BlockSignature signature, Stream output, CancellationToken ct)
        {
            using var empty = new MemoryStream();
            // The applier's output stream hashes what it writes and checks it before the rename: no second hash here.
            using var applier = _basis is null
                ? new DeltaApplier(signature, empty, output, Entry.Size, hashOutput: false)
                : new DeltaApplier(signature, _basis, output, Entry.Size, hashOutput: false);
            await foreach (var chunk in _chunks.Reader.ReadAllAsync(ct).ConfigureAwait(false))
            {
                await applier.ApplyChunkAsync(chunk, ct).ConfigureAwait(false);
            }

            var result = await applier.CompleteAsync(ct).ConfigureAwait(false);
            CopiedBytes = result.CopiedBytes;
            if (result.Length != Entry.Size)
            {
                throw new InvalidDataException($"rebuilt {result.Length} bytes, the offer said {Entry.Size}");
            }
        }

        /// <summary>The basis, once the rebuild is done, for the staged file to hold until its rename; null without one.</summary>
        public Microsoft.Win32.SafeHandles.SafeFileHandle? TakeBasis()
        {
            var taken = _basis;
            _basis = null;
            return taken;
        }

        public void Dispose() => _basis?.Dispose();
    }
}
