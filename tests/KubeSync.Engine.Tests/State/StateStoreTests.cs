using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.Tests.State;

public sealed class StateStoreTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    private string DbPath => _dir.Combine("state/state.db");

    public void Dispose() => _dir.Dispose();

    private static LocalObservation File(string path, string content, long mtime = 1_000_000_000, int mode = 0x1A4, int uid = 1000, long inode = 7) =>
        new(SyncPath.Parse(path), new FileStat(EntryType.File, content.Length, mtime, 0x8000 | mode, uid, 1000, inode, 1),
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)), null, false);

    private StateStore OpenWithPeers(params string[] peers)
    {
        var store = StateStore.Open(DbPath, "web-0", "web");
        using var batch = store.BeginBatch();
        batch.EnsurePeers(peers.Select(p => (p, (string?)null)));
        batch.Commit();
        return store;
    }

    [Fact]
    public void Open_NewDatabase_CreatesSchemaInWalMode()
    {
        using (var store = StateStore.Open(DbPath, "web-0", "web"))
        {
            Assert.Equal(0, store.OpenedAtSchemaVersion);
            Assert.Equal(StateSchema.Current.ToString(), store.ReadMeta("schema_version"));
            Assert.Equal("web", store.ReadMeta("group"));
        }

        using var again = StateStore.Open(DbPath, "web-0", "web");
        Assert.Equal(StateSchema.Current, again.OpenedAtSchemaVersion);
        using var raw = new SqliteConnection($"Data Source={DbPath}");
        raw.Open();
        using var cmd = raw.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
    }

    [Fact]
    public void Open_OtherGroupsDatabase_FailsWithAdvice()
    {
        StateStore.Open(DbPath, "web-0", "web").Dispose();
        var ex = Assert.Throws<StateStoreException>(() => StateStore.Open(DbPath, "web-0", "uploads"));
        Assert.Contains("belongs to group 'web'", ex.Message);
    }

    [Fact]
    public void Open_NewerSchema_RefusesToDowngrade()
    {
        StateStore.Open(DbPath, "web-0", "web").Dispose();
        using (var raw = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "UPDATE meta SET value = '99' WHERE key = 'schema_version'";
            cmd.ExecuteNonQuery();
        }

        var ex = Assert.Throws<StateStoreException>(() => StateStore.Open(DbPath, "web-0", "web"));
        Assert.Contains("schema version 99 is newer", ex.Message);
    }

    [Fact]
    public void RecordLocal_Lifecycle_VersionsSeqAndDirtyFollow()
    {
        using var store = OpenWithPeers("web-1", "web-2");
        LocalChange Record(LocalObservation o)
        {
            using var batch = store.BeginBatch();
            var change = batch.RecordLocal(o, markDirty: true);
            batch.Commit();
            return change;
        }

        Assert.Equal(LocalChange.Created, Record(File("a.conf", "one")));
        var created = store.Get(SyncPath.Parse("a.conf"))!;
        Assert.Equal("web-0:1", created.Version.ToString());
        Assert.Equal(1, created.Seq);
        Assert.Equal(["web-1", "web-2"], store.ReadDirty().Select(d => d.Peer));

        Assert.Equal(LocalChange.Unchanged, Record(File("a.conf", "one")));
        Assert.Equal(LocalChange.Refreshed, Record(File("a.conf", "one", inode: 8)));
        Assert.Equal(1, store.Get(SyncPath.Parse("a.conf"))!.Seq);

        Assert.Equal(LocalChange.Modified, Record(File("a.conf", "two", mtime: 2_000_000_000)));
        var modified = store.Get(SyncPath.Parse("a.conf"))!;
        Assert.Equal("web-0:2", modified.Version.ToString());
        Assert.Equal(2, modified.Seq);

        Assert.Equal(LocalChange.Deleted, Record(LocalObservation.Vanished(SyncPath.Parse("a.conf"))));
        var tombstone = store.Get(SyncPath.Parse("a.conf"))!;
        Assert.True(tombstone.Deleted);
        Assert.Null(tombstone.Hash);
        Assert.Equal("web-0:3", tombstone.Version.ToString());
        Assert.Equal(LocalChange.Unchanged, Record(LocalObservation.Vanished(SyncPath.Parse("a.conf"))));
        Assert.Equal((0, 1), store.CountFiles());

        Assert.Equal(LocalChange.Created, Record(File("a.conf", "back")));
        Assert.Equal("web-0:4", store.Get(SyncPath.Parse("a.conf"))!.Version.ToString());
        Assert.Equal(2, store.ReadDirty().Count);
    }

    [Fact]
    public void RecordLocal_IgnoredUid_IsNotANewVersion()
    {
        using var store = OpenWithPeers();
        using var batch = store.BeginBatch();
        batch.RecordLocal(File("a", "x", uid: 1000), true, IgnoredMetadata.Uid);
        Assert.Equal(LocalChange.Refreshed, batch.RecordLocal(File("a", "x", uid: 33), true, IgnoredMetadata.Uid));
        Assert.Equal(LocalChange.Modified, batch.RecordLocal(File("a", "x", uid: 34), true, IgnoredMetadata.None));
        Assert.Equal(LocalChange.Modified, batch.RecordLocal(File("a", "x", uid: 34, mode: 0x180), true, IgnoredMetadata.Uid));
        batch.Commit();
    }

    [Fact]
    public void RecordLocal_InitRun_RecordsWithoutDirty()
    {
        using var store = OpenWithPeers("web-1");
        using (var batch = store.BeginBatch())
        {
            Assert.Equal(LocalChange.Created, batch.RecordLocal(File("a", "x"), markDirty: false));
            batch.Commit();
        }

        Assert.Empty(store.ReadDirty());
        Assert.Equal("web-0:1", store.Get(SyncPath.Parse("a"))!.Version.ToString());
    }

    [Fact]
    public void Batch_DisposedWithoutCommit_RollsBack()
    {
        using var store = OpenWithPeers("web-1");
        using (var batch = store.BeginBatch())
        {
            batch.RecordLocal(File("a", "x"), markDirty: true);
        }

        Assert.Null(store.Get(SyncPath.Parse("a")));
        Assert.Empty(store.ReadDirty());
    }

    [Fact]
    public void EnsurePeers_NewPeerOnPopulatedStore_IsOwedEverything()
    {
        using var store = OpenWithPeers();
        using (var batch = store.BeginBatch())
        {
            batch.RecordLocal(File("a", "x"), markDirty: true);
            batch.RecordLocal(File("b", "y"), markDirty: true);
            batch.Commit();
        }

        Assert.Empty(store.ReadDirty());
        using (var batch = store.BeginBatch())
        {
            Assert.Equal(["web-3"], batch.EnsurePeers([("web-3", "10.0.0.3:30865"), ("web-0", null)]));
            Assert.Empty(batch.EnsurePeers([("web-3", null)]));
            batch.Commit();
        }

        Assert.Equal(new Dictionary<string, long> { ["web-3"] = 2 }, store.CountDirtyByPeer());
        Assert.Equal("10.0.0.3:30865", store.ReadPeers().Single().Address);
    }

    [Fact]
    public void Force_WithConflict_DominatesEveryKnownVersion()
    {
        using var store = OpenWithPeers("web-1");
        using (var batch = store.BeginBatch())
        {
            batch.RecordLocal(File("a", "mine"), markDirty: false);
            batch.Commit();
        }

        // A conflict as the protocol will record it: web-1's concurrent version.
        using (var raw = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            raw.Open();
            using var cmd = raw.CreateCommand();
            cmd.CommandText = "SELECT id FROM nodes WHERE name = 'web-1'";
            var peer = (long)cmd.ExecuteScalar()!;
            cmd.CommandText = "INSERT INTO conflicts(path, peer, their_version, their_hash, detected_at) VALUES('a', $peer, $version, NULL, 0)";
            cmd.Parameters.AddWithValue("$peer", peer);
            cmd.Parameters.AddWithValue("$version", new byte[] { 1, (byte)peer, 1 });
            cmd.ExecuteNonQuery();
        }

        var theirs = store.ReadConflicts().Single().TheirVersion;
        Assert.Equal(VersionOrder.Concurrent, store.Get(SyncPath.Parse("a"))!.Version.Compare(theirs));
        FileRecord? forced;
        using (var batch = store.BeginBatch())
        {
            forced = batch.Force(SyncPath.Parse("a"));
            Assert.Null(batch.Force(SyncPath.Parse("missing")));
            batch.Commit();
        }

        Assert.Equal(VersionOrder.Dominates, forced!.Version.Compare(theirs));
        Assert.Empty(store.ReadConflicts());
        Assert.Single(store.ReadDirty());
    }

    [Fact]
    public void ReadFiles_Subtree_ReturnsPathAndDescendantsOnly()
    {
        using var store = OpenWithPeers();
        using (var batch = store.BeginBatch())
        {
            foreach (var p in new[] { "a", "a-b", "a.b", "a/x", "a/y/z", "ab", "b" })
            {
                batch.RecordLocal(File(p, p), markDirty: false);
            }

            batch.Commit();
        }

        Assert.Equal(["a", "a/x", "a/y/z"], store.ReadFiles(SyncPath.Parse("a")).Select(f => f.Path.Value));
        Assert.Equal(["a", "a-b", "a.b", "a/x", "a/y/z", "ab", "b"], store.ReadFiles().Select(f => f.Path.Value));
    }

    [Fact]
    public void VersionVectorCodec_RoundTrip_IsCompact()
    {
        var ids = new Dictionary<string, long> { ["web-0"] = 1, ["web-1"] = 2, ["web-2"] = 300 };
        var names = ids.ToDictionary(kv => kv.Value, kv => kv.Key);
        var vector = VersionVector.Parse("web-0:5,web-1:1000,web-2:1");
        var blob = VersionVectorCodec.Encode(vector, n => ids[n]);
        Assert.True(blob.Length <= 10, $"{blob.Length} bytes");
        Assert.Equal(vector, VersionVectorCodec.Decode(blob, id => names[id]));
        Assert.Throws<InvalidDataException>(() => VersionVectorCodec.Decode(blob.AsSpan(0, blob.Length - 1), id => names[id]));
        Assert.Throws<InvalidDataException>(() => VersionVectorCodec.Decode([0xFF, 0xFF, 0xFF, 0x7F], id => names[id]));
    }
}
