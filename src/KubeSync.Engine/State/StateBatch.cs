using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.State;

/// <summary>
/// One write transaction (BEGIN IMMEDIATE) on the state store. Rows are read back inside the transaction before
/// they are changed, so a batch is correct whoever else (the CLI, the daemon) wrote since the caller looked.
/// </summary>
public sealed partial class StateBatch : IDisposable
{
    private readonly StateStore _store;
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _tx;
    private readonly SqliteCommand _upsert;
    private readonly SqliteCommand _markDirty;
    private readonly SqliteCommand _get;
    private readonly Dictionary<string, SqliteCommand> _reused = new(StringComparer.Ordinal);
    private readonly long _now;
    private long _nextSeq;

    /// <summary>
    /// Per node id: whether the <c>peers</c> table names another node. Read once per batch and sender (a pair of
    /// members fills one from the other with no third peer to owe anything), and dropped when this batch adds or
    /// removes a peer; nothing else can change the table while the batch's write transaction is open.
    /// </summary>
    private readonly Dictionary<long, bool> _peersBesides = [];
    private bool _done;

    // "INSERT ... SELECT ... ON CONFLICT" needs a WHERE clause: without one SQLite parses ON as a join constraint.
    internal StateBatch(StateStore store, SqliteConnection connection)
    {
        _store = store;
        _connection = connection;
        _tx = connection.BeginTransaction(deferred: false);
        _now = store.NowUnixMs;
        _nextSeq = ScalarLong(StateStore.LastSeqSql) + 1;
        _upsert = Prepare(
            $"""
            INSERT INTO files({StateStore.FileColumns}) VALUES($path, $type, $size, $mtime, $mode, $uid, $gid, $inode, $link, $hash, $version, $seq, $deleted, $racy)
            ON CONFLICT(path) DO UPDATE SET type = excluded.type, size = excluded.size, mtime_ns = excluded.mtime_ns, mode = excluded.mode,
                uid = excluded.uid, gid = excluded.gid, inode = excluded.inode, link_target = excluded.link_target, hash = excluded.hash,
                version = excluded.version, seq = excluded.seq, deleted = excluded.deleted, racy = excluded.racy
            """,
            "$path", "$type", "$size", "$mtime", "$mode", "$uid", "$gid", "$inode", "$link", "$hash", "$version", "$seq", "$deleted", "$racy");
        _get = Prepare($"SELECT {StateStore.FileColumns} FROM files WHERE path = $path", "$path");
        _markDirty = Prepare("INSERT INTO dirty(path, peer, since) SELECT $path, node, $now FROM peers WHERE true ON CONFLICT DO NOTHING", "$path", "$now");
    }

    /// <summary>Rows given a new version in this batch.</summary>
    public int Versioned { get; private set; }

    /// <summary>Records what the scanner saw at a path; bumps this member's counter when anything that syncs changed.</summary>
    /// <param name="markDirty">False for an init run (csync2 <c>-cI</c>): record without owing anything to peers.</param>
    public LocalChange RecordLocal(LocalObservation observation, bool markDirty, IgnoredMetadata ignore = IgnoredMetadata.None)
    {
        var current = Get(observation.Path);
        if (observation.Stat is not { } stat)
        {
            if (current is null || current.Deleted)
            {
                return LocalChange.Unchanged;
            }

            Write(current with { Hash = null, LinkTarget = null, Size = 0, Deleted = true, Racy = false }, current.Version, markDirty);
            return LocalChange.Deleted;
        }

        var observed = new FileRecord(
            observation.Path, stat.Type, stat.Type == EntryType.File ? stat.Size : 0, stat.MtimeNs, stat.Permissions, stat.Uid, stat.Gid, stat.Inode,
            observation.LinkTarget, observation.Hash, current?.Version ?? VersionVector.Empty, current?.Seq ?? 0, Deleted: false, observation.Racy);
        if (current is { Deleted: false } && SameSyncedState(current, observed, ignore))
        {
            if (current with { Version = observed.Version, Hash = observed.Hash } == observed && SameHash(current, observed))
            {
                return LocalChange.Unchanged;
            }

            Upsert(observed, current.Version, current.Seq);
            return LocalChange.Refreshed;
        }

        Write(observed, current?.Version ?? VersionVector.Empty, markDirty);
        return current is null || current.Deleted ? LocalChange.Created : LocalChange.Modified;
    }

    /// <summary>
    /// Gives a row whose hash is pending (<see cref="FileRecord.HashPending"/>) the hash of its content, read by a
    /// transfer: only while the row is still that change (<paramref name="seq"/>) and <paramref name="stat"/>, taken
    /// before and after the read, is the one the row records. Returns whether the row took it.
    /// </summary>
    public bool FillHash(SyncPath path, long seq, FileStat stat, byte[] hash)
    {
        ArgumentNullException.ThrowIfNull(hash);
        using var cmd = Command(
            $"""
            UPDATE files SET hash = $h WHERE path = $p AND seq = $seq AND hash IS NULL AND deleted = 0 AND type = {(int)EntryType.File}
                AND size = $size AND mtime_ns = $mtime AND inode = $inode
            """);
        cmd.Parameters.AddWithValue("$h", hash);
        cmd.Parameters.AddWithValue("$p", path.Value);
        cmd.Parameters.AddWithValue("$seq", seq);
        cmd.Parameters.AddWithValue("$size", stat.Size);
        cmd.Parameters.AddWithValue("$mtime", stat.MtimeNs);
        cmd.Parameters.AddWithValue("$inode", stat.Inode);
        return cmd.ExecuteNonQuery() == 1;
    }

    /// <summary>Drops a row and its dirty marks without a tombstone (the path is no longer synced, e.g. newly excluded).</summary>
    public void Forget(SyncPath path)
    {
        // The row's seq stays given out: the highest one forgotten is kept, so the next row's seq is above it.
        Execute(
            $"""
            INSERT INTO meta(key, value) SELECT '{StateStore.ForgottenSeqKey}', CAST(seq AS TEXT) FROM files WHERE path = $p
            ON CONFLICT(key) DO UPDATE SET value = CAST(max(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER)) AS TEXT)
            """,
            path.Value);
        Execute("DELETE FROM files WHERE path = $p", path.Value);
        Execute("DELETE FROM dirty WHERE path = $p", path.Value);
        DeleteConflicts(path);
    }

    /// <summary>
    /// csync2 <c>-f</c>: gives the local row a version that dominates every version this member knows for the
    /// path (its own and any conflicting peer's), and owes it to every peer. Returns null when the path is unknown.
    /// </summary>
    public FileRecord? Force(SyncPath path)
    {
        var current = Get(path);
        if (current is null)
        {
            return null;
        }

        var version = current.Version;
        using (var cmd = Command("SELECT their_version FROM conflicts WHERE path = $p"))
        {
            cmd.Parameters.AddWithValue("$p", path.Value);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                version = version.Merge(VersionVectorCodec.Decode((byte[])r.GetValue(0), _store.NodeName));
            }
        }

        DeleteConflicts(path);
        return Write(current, version, markDirty: true);
    }

    /// <summary>
    /// Makes sure every named peer has a row. A peer new to a store that already has rows is owed all of them.
    /// Returns the names of the peers that were added.
    /// </summary>
    public IReadOnlyList<string> EnsurePeers(IEnumerable<(string Node, string? Address)> peers)
    {
        var added = new List<string>();
        foreach (var (node, address) in peers)
        {
            if (node == _store.Node)
            {
                continue;
            }

            var id = _store.NodeId(node, _tx);
            _peersBesides.Clear();
            using var cmd = Command("INSERT INTO peers(node, address) VALUES($n, $a) ON CONFLICT(node) DO UPDATE SET address = coalesce(excluded.address, peers.address) RETURNING state");
            cmd.Parameters.AddWithValue("$n", id);
            cmd.Parameters.AddWithValue("$a", (object?)address ?? DBNull.Value);
            if ((string)cmd.ExecuteScalar()! == "new" && ScalarLong($"SELECT count(*) FROM dirty WHERE peer = {id}") == 0)
            {
                using var owe = Command("INSERT INTO dirty(path, peer, since) SELECT path, $n, $now FROM files WHERE true ON CONFLICT DO NOTHING");
                owe.Parameters.AddWithValue("$n", id);
                owe.Parameters.AddWithValue("$now", _now);
                owe.ExecuteNonQuery();
                using var known = Command("UPDATE peers SET state = 'known' WHERE node = $n");
                known.Parameters.AddWithValue("$n", id);
                known.ExecuteNonQuery();
                added.Add(node);
            }
        }

        return added;
    }

    /// <summary>Whether a peer other than <paramref name="node"/> is known, that is owed what <paramref name="node"/> sent.</summary>
    private bool HasPeersBesides(long node)
    {
        if (!_peersBesides.TryGetValue(node, out var any))
        {
            var cmd = Reused("SELECT EXISTS (SELECT 1 FROM peers WHERE node != $n)", "$n");
            cmd.Parameters["$n"].Value = node;
            any = (long)cmd.ExecuteScalar()! != 0;
            _peersBesides[node] = any;
        }

        return any;
    }

    /// <summary>Sets a <c>meta</c> value inside this batch.</summary>
    public void SetMeta(string key, string value) => _store.SetMeta(key, value, _tx);

    public void Commit()
    {
        _tx.Commit();
        _done = true;
    }

    public void Dispose()
    {
        if (!_done)
        {
            _tx.Rollback();
            _store.ReloadNodes();
        }

        _upsert.Dispose();
        _markDirty.Dispose();
        _get.Dispose();
        foreach (var cmd in _reused.Values)
        {
            cmd.Dispose();
        }

        _tx.Dispose();
    }

    private static bool SameSyncedState(FileRecord a, FileRecord b, IgnoredMetadata ignore)
    {
        if (a.Type != b.Type
            || ((ignore & IgnoredMetadata.Uid) == 0 && a.Uid != b.Uid)
            || ((ignore & IgnoredMetadata.Gid) == 0 && a.Gid != b.Gid))
        {
            return false;
        }

        var sameMode = (ignore & IgnoredMetadata.Mode) != 0 || a.Mode == b.Mode;
        return a.Type switch
        {
            // A row whose hash is pending is the file while its size and mtime are the row's: hashing it is no change.
            EntryType.File => sameMode && a.MtimeNs == b.MtimeNs && (a.HashPending ? a.Size == b.Size : SameHash(a, b)),

            // A directory's mtime moves whenever its children do; syncing it would version every parent on every change.
            EntryType.Directory => sameMode,
            EntryType.Symlink => a.LinkTarget == b.LinkTarget,
            _ => false,
        };
    }

    private static bool SameHash(FileRecord a, FileRecord b) =>
        a.Hash is null ? b.Hash is null : b.Hash is not null && a.Hash.AsSpan().SequenceEqual(b.Hash);

    /// <summary>The current row, through one prepared statement: a scan calls this for every changed path.</summary>
    private FileRecord? Get(SyncPath path)
    {
        _get.Parameters["$path"].Value = path.Value;
        using var r = _get.ExecuteReader();
        return r.Read() ? _store.ReadRecord(r) : null;
    }

    private FileRecord Write(FileRecord row, VersionVector baseVersion, bool markDirty)
    {
        var versioned = row with { Version = baseVersion.Increment(_store.Node), Seq = _nextSeq++ };
        Upsert(versioned, versioned.Version, versioned.Seq);
        if (markDirty)
        {
            _markDirty.Parameters["$path"].Value = row.Path.Value;
            _markDirty.Parameters["$now"].Value = _now;
            _markDirty.ExecuteNonQuery();
        }

        Versioned++;
        return versioned;
    }

    private void Upsert(FileRecord r, VersionVector version, long seq)
    {
        var p = _upsert.Parameters;
        p["$path"].Value = r.Path.Value;
        p["$type"].Value = (int)r.Type;
        p["$size"].Value = r.Size;
        p["$mtime"].Value = r.MtimeNs;
        p["$mode"].Value = r.Mode;
        p["$uid"].Value = r.Uid;
        p["$gid"].Value = r.Gid;
        p["$inode"].Value = r.Inode;
        p["$link"].Value = (object?)r.LinkTarget ?? DBNull.Value;
        p["$hash"].Value = (object?)r.Hash ?? DBNull.Value;
        p["$version"].Value = VersionVectorCodec.Encode(version, n => _store.NodeId(n, _tx));
        p["$seq"].Value = seq;
        p["$deleted"].Value = r.Deleted ? 1 : 0;
        p["$racy"].Value = r.Racy ? 1 : 0;
        _upsert.ExecuteNonQuery();
    }

    private SqliteCommand Prepare(string sql, params string[] parameters)
    {
        var cmd = Command(sql);
        foreach (var name in parameters)
        {
            cmd.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        cmd.Prepare();
        return cmd;
    }

    private SqliteCommand Command(string sql)
    {
        var cmd = _connection.CreateCommand();
        cmd.Transaction = _tx;
        cmd.CommandText = sql;
        return cmd;
    }

    private long ScalarLong(string sql)
    {
        using var cmd = Command(sql);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>
    /// A statement run once per row: prepared with its <paramref name="parameters"/> on first use and kept for the rest
    /// of the batch; the caller sets the values.
    /// </summary>
    private SqliteCommand Reused(string sql, params ReadOnlySpan<string> parameters)
    {
        if (!_reused.TryGetValue(sql, out var cmd))
        {
            cmd = Prepare(sql, [.. parameters]);
            _reused.Add(sql, cmd);
        }

        return cmd;
    }

    private void Execute(string sql, string path)
    {
        var cmd = Reused(sql, "$p");
        cmd.Parameters["$p"].Value = path;
        cmd.ExecuteNonQuery();
    }
}
