using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>What the peer sessions record: received versions, confirmations, conflicts, how far a peer's index was read.</summary>
public sealed partial class StateBatch
{
    /// <summary>
    /// Records a version received from <paramref name="fromPeer"/> and applied (or, for a deletion, carried out):
    /// <paramref name="onDisk"/> is the stat the applier returned, so the next scan sees no local change. The row
    /// gets a new local seq (peers reading our index learn of it); the sender is owed nothing for it, every other
    /// peer is, until it confirms.
    /// </summary>
    /// <param name="owedToSender">
    /// True when the recorded version is new to the sender too (a merge of its version with ours): it is then owed
    /// the row like every other peer.
    /// </param>
    /// <param name="newPath">This transaction read no row for the path before: it can have no dirty marks or conflicts to clear.</param>
    public FileRecord RecordReceived(SyncPath path, EntryType type, VersionVector version, bool deleted, byte[]? hash, string? linkTarget, FileStat? onDisk, string fromPeer, bool owedToSender = false, bool newPath = false)
    {
        var stat = onDisk ?? default;
        var row = new FileRecord(
            path, type, deleted ? 0 : stat.Size, stat.MtimeNs, stat.Permissions, stat.Uid, stat.Gid, stat.Inode,
            deleted ? null : linkTarget, deleted ? null : hash, version, _nextSeq++, deleted, Racy: false);
        Upsert(row, version, row.Seq);
        if (!newPath)
        {
            DeleteConflicts(path);
        }

        if (owedToSender)
        {
            _markDirty.Parameters["$path"].Value = path.Value;
            _markDirty.Parameters["$now"].Value = _now;
            _markDirty.ExecuteNonQuery();
            return row;
        }

        // Every other peer is owed the row; the sender has it (a mark it had from before goes).
        var from = _store.NodeId(fromPeer, _tx);
        if (HasPeersBesides(from))
        {
            var others = Reused("INSERT INTO dirty(path, peer, since) SELECT $p, node, $t FROM peers WHERE node != $n ON CONFLICT DO NOTHING", "$p", "$t", "$n");
            others.Parameters["$p"].Value = path.Value;
            others.Parameters["$t"].Value = _now;
            others.Parameters["$n"].Value = from;
            others.ExecuteNonQuery();
        }

        if (!newPath)
        {
            DeleteDirty(path, from);
        }

        return row;
    }

    /// <summary>
    /// Gives the current row <paramref name="version"/> without touching what it records of the disk (a resolved
    /// conflict that kept the local content, or concurrent versions of identical content merged): a new seq, and
    /// every peer is owed the row. Returns null when the path is unknown.
    /// </summary>
    public FileRecord? RecordVersion(SyncPath path, VersionVector version)
    {
        var current = Get(path);
        if (current is null)
        {
            return null;
        }

        var row = current with { Version = version, Seq = _nextSeq++ };
        Upsert(row, version, row.Seq);
        DeleteConflicts(path);
        _markDirty.Parameters["$path"].Value = path.Value;
        _markDirty.Parameters["$now"].Value = _now;
        _markDirty.ExecuteNonQuery();
        return row;
    }

    /// <summary>Owes <paramref name="peer"/> the current row of <paramref name="path"/> (it showed an older or a concurrent version, or none).</summary>
    public void MarkDirty(SyncPath path, string peer)
    {
        var cmd = Reused("INSERT INTO dirty(path, peer, since) SELECT $p, $n, $t WHERE EXISTS (SELECT 1 FROM files WHERE path = $p) ON CONFLICT DO NOTHING", "$p", "$n", "$t");
        cmd.Parameters["$p"].Value = path.Value;
        cmd.Parameters["$n"].Value = _store.NodeId(peer, _tx);
        cmd.Parameters["$t"].Value = _now;
        cmd.ExecuteNonQuery();
    }

    /// <summary>Whether a conflict with <paramref name="peer"/> is recorded for the path.</summary>
    public bool HasConflict(SyncPath path, string peer)
    {
        var cmd = Reused("SELECT count(*) FROM conflicts WHERE path = $p AND peer = $n", "$p", "$n");
        cmd.Parameters["$p"].Value = path.Value;
        cmd.Parameters["$n"].Value = _store.NodeId(peer, _tx);
        return (long)cmd.ExecuteScalar()! > 0;
    }

    /// <summary>How far <paramref name="peer"/>'s index has been read (0: not at all).</summary>
    public long PeerProgress(string peer)
    {
        using var cmd = Command("SELECT their_seq_seen FROM peers WHERE node = $n");
        cmd.Parameters.AddWithValue("$n", _store.NodeId(peer, _tx));
        return cmd.ExecuteScalar() is long seen ? seen : 0;
    }

    /// <summary>The current row, read inside this transaction.</summary>
    public FileRecord? Read(SyncPath path) => Get(path);

    /// <summary>
    /// <paramref name="peer"/> says it has <paramref name="theirVersion"/> of the path: if that includes ours, the
    /// peer owes us nothing and we owe it nothing there. Returns whether a dirty mark was cleared.
    /// </summary>
    public bool Confirm(SyncPath path, string peer, VersionVector theirVersion)
    {
        // Only the version decides, and a sender confirms every file it pushes: not the whole row.
        var cmd = Reused("SELECT version FROM files WHERE path = $p", "$p");
        cmd.Parameters["$p"].Value = path.Value;
        VersionVector? ours;
        using (var r = cmd.ExecuteReader())
        {
            ours = r.Read() ? VersionVectorCodec.Decode((byte[])r.GetValue(0), _store.NodeName) : null;
        }

        if (ours is null || ours.Compare(theirVersion) is not (VersionOrder.Equal or VersionOrder.DominatedBy))
        {
            return false;
        }

        return DeleteDirty(path, peer) > 0;
    }

    /// <summary>
    /// <paramref name="peer"/> holds exactly the version we offered it from the row whose seq was
    /// <paramref name="offeredSeq"/>. While the row is still that one (every new version takes a new seq), the dirty
    /// mark goes in one statement, without reading and decoding the row's version; when the row changed since the
    /// offer, or no mark was left to delete, <see cref="Confirm"/> decides as for any other version.
    /// </summary>
    public bool ConfirmOffered(SyncPath path, string peer, long offeredSeq, VersionVector offeredVersion)
    {
        var cmd = Reused("DELETE FROM dirty WHERE path = $p AND peer = $n AND (SELECT seq FROM files WHERE path = $p) = $s", "$p", "$n", "$s");
        cmd.Parameters["$p"].Value = path.Value;
        cmd.Parameters["$n"].Value = _store.NodeId(peer, _tx);
        cmd.Parameters["$s"].Value = offeredSeq;
        return cmd.ExecuteNonQuery() > 0 || Confirm(path, peer, offeredVersion);
    }

    /// <summary>Records (or updates) a conflict with <paramref name="peer"/>'s concurrent version.</summary>
    public void RecordConflict(SyncPath path, string peer, VersionVector theirVersion, byte[]? theirHash)
    {
        using var cmd = Command(
            """
            INSERT INTO conflicts(path, peer, their_version, their_hash, detected_at) VALUES($p, $n, $v, $h, $t)
            ON CONFLICT(path, peer) DO UPDATE SET their_version = excluded.their_version, their_hash = excluded.their_hash
            """);
        cmd.Parameters.AddWithValue("$p", path.Value);
        cmd.Parameters.AddWithValue("$n", _store.NodeId(peer, _tx));
        cmd.Parameters.AddWithValue("$v", VersionVectorCodec.Encode(theirVersion, n => _store.NodeId(n, _tx)));
        cmd.Parameters.AddWithValue("$h", (object?)theirHash ?? DBNull.Value);
        cmd.Parameters.AddWithValue("$t", _now);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Remembers how far <paramref name="peer"/>'s index has been read, and that it was seen now.</summary>
    public void SetPeerProgress(string peer, long theirSeqSeen)
    {
        using var cmd = Command("UPDATE peers SET their_seq_seen = max(their_seq_seen, $s), last_seen = $t, state = 'known' WHERE node = $n");
        cmd.Parameters.AddWithValue("$s", theirSeqSeen);
        cmd.Parameters.AddWithValue("$t", _now);
        cmd.Parameters.AddWithValue("$n", _store.NodeId(peer, _tx));
        cmd.ExecuteNonQuery();
    }

    /// <summary>Every received row and confirmation runs these two: prepared once per batch, not per row.</summary>
    private int DeleteDirty(SyncPath path, string peer) => DeleteDirty(path, _store.NodeId(peer, _tx));

    private int DeleteDirty(SyncPath path, long node)
    {
        var cmd = Reused("DELETE FROM dirty WHERE path = $p AND peer = $n", "$p", "$n");
        cmd.Parameters["$p"].Value = path.Value;
        cmd.Parameters["$n"].Value = node;
        return cmd.ExecuteNonQuery();
    }

    private void DeleteConflicts(SyncPath path)
    {
        Execute("DELETE FROM conflicts WHERE path = $p", path.Value);
    }
}
