using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.State;

/// <summary>The store primitives the peer sessions use for the index exchange.</summary>
public sealed class StateExchangeTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly StateStore _store;

    public StateExchangeTests()
    {
        _store = StateStore.Open(_dir.Combine("state.db"), "web-0", "web");
        Batch(b => b.EnsurePeers([("web-1", null), ("web-2", null)]));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    private T Batch<T>(Func<StateBatch, T> work)
    {
        using var batch = _store.BeginBatch();
        var result = work(batch);
        batch.Commit();
        return result;
    }

    private static readonly SyncPath A = SyncPath.Parse("a.conf");

    private static FileStat Stat(long size) => new(EntryType.File, size, 5_000_000_000, 0x81A4, 0, 0, 42, 1);

    [Fact]
    public void RecordReceived_FromPeer_OwedToOthersNotToTheSender()
    {
        var row = Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-1:3"), false, new byte[32], null, Stat(10), "web-1"));

        Assert.Equal("web-1:3", row.Version.ToString());
        Assert.Equal(42, _store.Get(A)!.Inode);
        Assert.Equal(["web-2"], _store.ReadDirty().Select(d => d.Peer));
        Assert.Equal(row.Seq, _store.LastSeq);
    }

    [Fact]
    public void RecordReceived_NewPath_OwedToOthersOnly_AndAKnownPathLosesTheSendersOldMarkAndConflict()
    {
        var fresh = Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-1:3"), false, new byte[32], null, Stat(10), "web-1", newPath: true));
        Assert.Equal(["web-2"], _store.ReadDirty().Select(d => d.Peer));

        // web-1 is owed a local change and in conflict with us; its next version clears both.
        Batch(b =>
        {
            b.MarkDirty(A, "web-1");
            b.RecordConflict(A, "web-1", VersionVector.Parse("web-1:4"), null);
            return true;
        });
        Assert.Equal(["web-1", "web-2"], _store.ReadDirty().Select(d => d.Peer).Order());
        var next = Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-0:1,web-1:5"), false, new byte[32], null, Stat(12), "web-1"));

        Assert.Equal(["web-2"], _store.ReadDirty().Select(d => d.Peer));
        Assert.Empty(_store.ReadConflicts());
        Assert.True(next.Seq > fresh.Seq);
    }

    [Fact]
    public void RecordReceived_OwedToSender_EveryPeerIsOwedTheRow()
    {
        Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-0:1,web-1:3"), false, new byte[32], null, Stat(10), "web-1", owedToSender: true, newPath: true));

        Assert.Equal(["web-1", "web-2"], _store.ReadDirty().Select(d => d.Peer).Order());
    }

    [Fact]
    public void RecordReceived_Deletion_IsATombstone()
    {
        Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-1:1"), false, new byte[32], null, Stat(10), "web-1"));
        var gone = Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-1:2"), true, null, null, null, "web-1"));
        Assert.True(gone.Deleted);
        Assert.Null(_store.Get(A)!.Hash);
    }

    [Fact]
    public void Confirm_PeerHasOursOrNewer_ClearsItsDirtyMarkOnly()
    {
        Batch(b => b.RecordLocal(new LocalObservation(A, Stat(1), new byte[32], null, false), markDirty: true));
        Assert.Equal(2, _store.ReadDirty().Count);

        Assert.False(Batch(b => b.Confirm(A, "web-1", VersionVector.Empty)));
        Assert.False(Batch(b => b.Confirm(A, "web-1", VersionVector.Parse("web-1:1"))));
        Assert.True(Batch(b => b.Confirm(A, "web-1", VersionVector.Parse("web-0:1"))));
        Assert.True(Batch(b => b.Confirm(A, "web-2", VersionVector.Parse("web-0:1,web-2:4"))));
        Assert.Empty(_store.ReadDirty());
    }

    [Fact]
    public void ReadChangesSince_ReturnsRowsAfterTheSeqInOrder()
    {
        Batch(b =>
        {
            foreach (var name in new[] { "c", "a", "b" })
            {
                b.RecordLocal(new LocalObservation(SyncPath.Parse(name), Stat(1), new byte[32], null, false), markDirty: false);
            }

            return 0;
        });

        Assert.Equal(["c", "a", "b"], _store.ReadChangesSince(0, 10).Select(r => r.Path.Value));
        Assert.Equal(["b"], _store.ReadChangesSince(2, 10).Select(r => r.Path.Value));
        Assert.Equal(["c", "a"], _store.ReadChangesSince(0, 2).Select(r => r.Path.Value));
    }

    [Fact]
    public void ReadChangesSince_ForAPeer_FlagsTheRowsItsPusherOffers_OwedAndNotInConflict()
    {
        Batch(b =>
        {
            foreach (var name in new[] { "owed", "confirmed", "conflicted", "elsewhere" })
            {
                b.RecordLocal(new LocalObservation(SyncPath.Parse(name), Stat(1), new byte[32], null, false), markDirty: false);
            }

            b.MarkDirty(SyncPath.Parse("owed"), "web-1");
            b.MarkDirty(SyncPath.Parse("conflicted"), "web-1");
            b.RecordConflict(SyncPath.Parse("conflicted"), "web-1", VersionVector.Parse("web-1:1"), null);
            b.MarkDirty(SyncPath.Parse("elsewhere"), "web-2");
            return 0;
        });

        var page = _store.ReadChangesSince(0, 10, "web-1");

        Assert.Equal(
            [("owed", true), ("confirmed", false), ("conflicted", false), ("elsewhere", false)],
            page.Select(r => (r.Row.Path.Value, r.Owed)));
        Assert.Equal(["elsewhere"], _store.ReadChangesSince(0, 10, "web-2").Where(r => r.Owed).Select(r => r.Row.Path.Value));
        Assert.All(_store.ReadChangesSince(0, 10, "never-met"), r => Assert.False(r.Owed));
        Assert.Equal(["conflicted", "elsewhere"], _store.ReadChangesSince(2, 10, "web-1").Select(r => r.Row.Path.Value));
    }

    [Fact]
    public void ConfirmOffered_RowUnchangedSinceTheOffer_ClearsTheMark_ChangedRowKeepsIt()
    {
        var offered = Batch(b =>
        {
            b.RecordLocal(new LocalObservation(A, Stat(1), new byte[32], null, false), markDirty: true);
            return b.Read(A)!;
        });
        Assert.Contains(_store.ReadDirty(), d => d.Peer == "web-1");

        // The row changed after the offer went out: the peer's ack of the old version leaves the new one owed.
        Batch(b => b.RecordVersion(A, offered.Version.Increment("web-0")));
        Assert.False(Batch(b => b.ConfirmOffered(A, "web-1", offered.Seq, offered.Version)));
        Assert.Contains(_store.ReadDirty(), d => d.Peer == "web-1");

        var current = _store.Get(A)!;
        Assert.True(Batch(b => b.ConfirmOffered(A, "web-1", current.Seq, current.Version)));
        Assert.DoesNotContain(_store.ReadDirty(), d => d.Peer == "web-1");
        Assert.Contains(_store.ReadDirty(), d => d.Peer == "web-2");
        Assert.False(Batch(b => b.ConfirmOffered(A, "web-1", current.Seq, current.Version)));
    }

    [Fact]
    public void RecordConflict_ThenReceiveResolution_ConflictCleared()
    {
        Batch(b => b.RecordLocal(new LocalObservation(A, Stat(1), new byte[32], null, false), markDirty: true));
        Batch(b =>
        {
            b.RecordConflict(A, "web-1", VersionVector.Parse("web-1:1"), new byte[32]);
            b.RecordConflict(A, "web-1", VersionVector.Parse("web-1:2"), null);
            return 0;
        });
        var conflict = Assert.Single(_store.ReadConflicts());
        Assert.Equal("web-1:2", conflict.TheirVersion.ToString());

        Batch(b => b.RecordReceived(A, EntryType.File, VersionVector.Parse("web-0:1,web-1:3"), false, new byte[32], null, Stat(2), "web-1"));
        Assert.Empty(_store.ReadConflicts());
    }

    [Fact]
    public void SetPeerProgress_OnlyMovesForward()
    {
        Batch(b =>
        {
            b.SetPeerProgress("web-1", 50);
            b.SetPeerProgress("web-1", 20);
            return 0;
        });
        var peer = _store.ReadPeers().Single(p => p.Node == "web-1");
        Assert.Equal(50, peer.TheirSeqSeen);
        Assert.NotNull(peer.LastSeenUnixMs);
    }

    [Fact]
    public void RecordReceived_OnlyTheSenderIsAPeer_NothingOwed_APeerAddedInTheSameBatchIsOwedWhatArrivesNext()
    {
        using var dir = new TempDirectory();
        using var pair = StateStore.Open(dir.Combine("state.db"), "web-0", "web");
        var b = SyncPath.Parse("b.conf");
        using (var batch = pair.BeginBatch())
        {
            batch.EnsurePeers([("web-1", null)]);
            batch.RecordReceived(A, EntryType.File, VersionVector.Parse("web-1:1"), false, new byte[32], null, Stat(10), "web-1", newPath: true);
            Assert.Empty(pair.ReadDirty());

            // web-2 is new: it is owed every row so far, and a row received after it joined.
            batch.EnsurePeers([("web-2", null)]);
            batch.RecordReceived(b, EntryType.File, VersionVector.Parse("web-1:2"), false, new byte[32], null, Stat(10), "web-1", newPath: true);
            batch.Commit();
        }

        Assert.Equal([("a.conf", "web-2"), ("b.conf", "web-2")], pair.ReadDirty().Select(d => (d.Path.Value, d.Peer)).Order());
    }

    [Fact]
    public void Forget_TheRowWithTheHighestSeq_ItsSeqIsNeverGivenOutAgain()
    {
        var b = SyncPath.Parse("b.conf");
        var c = SyncPath.Parse("c.conf");
        Batch(batch => batch.RecordLocal(new LocalObservation(A, Stat(1), new byte[32], null, false), markDirty: true));
        Batch(batch => batch.RecordLocal(new LocalObservation(b, Stat(1), new byte[32], null, false), markDirty: true));
        var forgotten = _store.Get(b)!.Seq;
        Batch(batch =>
        {
            batch.Forget(b);
            return 0;
        });
        Assert.Null(_store.Get(b));
        Assert.Equal(forgotten, _store.LastSeq);

        // A peer that saw the forgotten row asks for rows above its seq, and must get the next change.
        Batch(batch => batch.RecordLocal(new LocalObservation(c, Stat(1), new byte[32], null, false), markDirty: true));
        var last = _store.Get(c)!.Seq;
        Assert.True(last > forgotten);
        Assert.Equal(["c.conf"], _store.ReadChangesSince(forgotten, 10).Select(r => r.Path.Value));

        // Forgetting a row with a lower seq afterwards does not lower the mark, and the mark survives a reopen.
        Batch(batch =>
        {
            batch.Forget(c);
            return 0;
        });
        Batch(batch =>
        {
            batch.Forget(A);
            return 0;
        });
        using var reopened = StateStore.Open(_dir.Combine("state.db"), "web-0", "web");
        Assert.Equal(last, reopened.LastSeq);
        using (var batch = reopened.BeginBatch())
        {
            batch.RecordLocal(new LocalObservation(A, Stat(2), new byte[32], null, false), markDirty: true);
            batch.Commit();
        }

        Assert.Equal(last + 1, reopened.Get(A)!.Seq);
    }
}
