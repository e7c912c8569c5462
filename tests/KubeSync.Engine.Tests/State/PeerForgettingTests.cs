using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.State;

/// <summary>The store side of peer expiry: marking connected peers seen, forgetting the others once expired, and refilling one that returns.</summary>
public sealed class PeerForgettingTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly SyncPath A = SyncPath.Parse("a.txt");
    private static readonly SyncPath B = SyncPath.Parse("b.txt");
    private static readonly SyncPath Gone = SyncPath.Parse("gone.txt");

    private readonly TempDirectory _dir = new();
    private readonly ManualTimeProvider _clock = new(Start);
    private readonly StateStore _store;

    public PeerForgettingTests()
    {
        _store = StateStore.Open(_dir.Combine("state.db"), "web-0", "web", _clock);
        Batch(b => b.EnsurePeers([("web-1", "10.0.0.1:30865"), ("web-2", null), ("static-0", "db:30865")]));
    }

    public void Dispose()
    {
        _store.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public void MarkPeersSeen_StampsNamedPeersAndStartsTheClockOfNeverSeenOnes()
    {
        Assert.All(_store.ReadPeers(), p => Assert.Null(p.LastSeenUnixMs));

        Batch(b => b.MarkPeersSeen([]));
        Assert.All(_store.ReadPeers(), p => Assert.Equal(Start.ToUnixTimeMilliseconds(), p.LastSeenUnixMs));

        _clock.Advance(TimeSpan.FromMinutes(5));
        Batch(b => b.MarkPeersSeen(["web-1", "never-heard-of"]));
        var seen = _store.ReadPeers().ToDictionary(p => p.Node, p => p.LastSeenUnixMs);
        Assert.Equal(Start.AddMinutes(5).ToUnixTimeMilliseconds(), seen["web-1"]);
        Assert.Equal(Start.ToUnixTimeMilliseconds(), seen["web-2"]);
        Assert.False(seen.ContainsKey("never-heard-of"));
    }

    [Fact]
    public void ForgetPeersUnseenSince_DropsExpiredPeersWithTheirDirtyMarks_KeepsRecentKeptAndNeverSeenOnes()
    {
        Batch(b => b.SetPeerProgress("web-1", 7));
        RecordLocal(A, B);
        _clock.Advance(TimeSpan.FromHours(2));
        Batch(b => b.SetPeerProgress("web-2", 3));
        var cutoff = Start.AddHours(1).ToUnixTimeMilliseconds();

        var forgotten = Batch(b => b.ForgetPeersUnseenSince(cutoff, new HashSet<string>(StringComparer.Ordinal)));

        // web-1 was seen at the start, web-2 after the cutoff; static-0 never was: its clock has not started.
        var peer = Assert.Single(forgotten);
        Assert.Equal(new ForgottenPeer("web-1", "10.0.0.1:30865", Start.ToUnixTimeMilliseconds(), 2), peer);
        Assert.Equal(["static-0", "web-2"], _store.ReadPeers().Select(p => p.Node));
        Assert.DoesNotContain(_store.ReadDirty(), d => d.Peer == "web-1");
        Assert.Equal(new Dictionary<string, long> { ["static-0"] = 2, ["web-2"] = 2 }, _store.CountDirtyByPeer());
        Assert.Equal(0, _store.CountOwed("web-1"));
    }

    [Fact]
    public void ForgetPeersUnseenSince_KeptPeers_StayWithTheirDirtyMarks()
    {
        Batch(b => b.MarkPeersSeen([]));
        RecordLocal(A);
        _clock.Advance(TimeSpan.FromHours(2));

        var forgotten = Batch(b => b.ForgetPeersUnseenSince(_clock.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(), new HashSet<string>(["static-0", "web-2"], StringComparer.Ordinal)));

        Assert.Equal(["web-1"], forgotten.Select(f => f.Node));
        Assert.Equal(new Dictionary<string, long> { ["static-0"] = 1, ["web-2"] = 1 }, _store.CountDirtyByPeer());
    }

    [Fact]
    public void ForgetPeersUnseenSince_ConflictWithTheForgottenPeer_StaysForAPerson()
    {
        Batch(b => b.MarkPeersSeen([]));
        RecordLocal(A);
        Batch(b =>
        {
            b.RecordConflict(A, "web-1", VersionVector.Parse("web-1:1"), new byte[32]);
            return 0;
        });
        _clock.Advance(TimeSpan.FromHours(2));

        Batch(b => b.ForgetPeersUnseenSince(_clock.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(), new HashSet<string>(["static-0", "web-2"], StringComparer.Ordinal)));

        var conflict = Assert.Single(_store.ReadConflicts());
        Assert.Equal(("a.txt", "web-1"), (conflict.Path.Value, conflict.Peer));
        Assert.DoesNotContain(_store.ReadPeers(), p => p.Node == "web-1");
    }

    [Fact]
    public void ForgottenPeer_ThatReturns_IsOwedEveryRowTombstonesIncludedAndItsIndexIsReadFromTheStart()
    {
        Batch(b => b.SetPeerProgress("web-1", 40));
        Batch(b => b.MarkPeersSeen([]));
        RecordLocal(A, B, Gone);
        Batch(b => b.RecordLocal(new LocalObservation(Gone, null, null, null, false), markDirty: true));
        Assert.True(Batch(b => new[] { A, B, Gone }.All(p => b.Confirm(p, "web-1", b.Read(p)!.Version))));
        Assert.Equal(0, _store.CountOwed("web-1"));
        _clock.Advance(TimeSpan.FromHours(2));
        Batch(b => b.ForgetPeersUnseenSince(_clock.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds(), new HashSet<string>(["static-0", "web-2"], StringComparer.Ordinal)));

        // What a session does when the peer connects again.
        var added = Batch(b => b.EnsurePeers([("web-1", null)]));

        Assert.Equal(["web-1"], added);
        Assert.Equal(3, _store.CountOwed("web-1"));
        Assert.Equal(["a.txt", "b.txt", "gone.txt"], _store.ReadOwed("web-1", null, 10).Select(r => r.Path.Value));
        Assert.True(_store.ReadOwed("web-1", "b.txt", 10).Single().Deleted);
        Assert.Equal(0, Batch(b => b.PeerProgress("web-1")));
        var peer = _store.ReadPeers().Single(p => p.Node == "web-1");
        Assert.Null(peer.LastSeenUnixMs);
        Assert.Null(peer.Address);
    }

    private void RecordLocal(params SyncPath[] paths) =>
        Batch(b =>
        {
            foreach (var path in paths)
            {
                b.RecordLocal(new LocalObservation(path, new FileStat(EntryType.File, 1, 1_000_000_000, 0x81A4, 1000, 1000, 7, 1), new byte[32], null, false), markDirty: true);
            }

            return 0;
        });

    private void Batch(Action<StateBatch> work) => Batch(b =>
    {
        work(b);
        return 0;
    });

    private T Batch<T>(Func<StateBatch, T> work)
    {
        using var batch = _store.BeginBatch();
        var result = work(batch);
        batch.Commit();
        return result;
    }
}
