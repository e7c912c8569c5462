using KubeSync.Engine.Paths;

using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.State;

public sealed partial class StateStore
{
    /// <summary>The row at <paramref name="path"/>, tombstones included, or null.</summary>
    public FileRecord? Get(SyncPath path) => Get(path, null);

    internal FileRecord? Get(SyncPath path, SqliteTransaction? tx)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT {FileColumns} FROM files WHERE path = $p";
        cmd.Parameters.AddWithValue("$p", path.Value);
        using var r = cmd.ExecuteReader();
        return r.Read() ? ReadRecord(r) : null;
    }

    /// <summary>
    /// Streams rows in path order (UTF-8 byte order), from one consistent snapshot, on a connection of its own so
    /// that batches may commit while the stream is read. <paramref name="under"/> limits the rows to that path
    /// and everything below it.
    /// </summary>
    public IEnumerable<FileRecord> ReadFiles(SyncPath? under = null, bool includeDeleted = true)
    {
        using var connection = OpenConnection(DatabasePath, readOnly: true);
        using var tx = connection.BeginTransaction(deferred: true);
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        var where = new List<string>();
        if (under is not null)
        {
            // Everything below P sorts in [P + '/', P + '0'): '0' is the byte after '/'.
            where.Add("(path = $p OR (path >= $lo AND path < $hi))");
            cmd.Parameters.AddWithValue("$p", under.Value);
            cmd.Parameters.AddWithValue("$lo", under.Value + "/");
            cmd.Parameters.AddWithValue("$hi", under.Value + "0");
        }

        if (!includeDeleted)
        {
            where.Add("deleted = 0");
        }

        cmd.CommandText = $"SELECT {FileColumns} FROM files {(where.Count > 0 ? "WHERE " + string.Join(" AND ", where) : "")} ORDER BY path";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            yield return ReadRecord(r);
        }
    }

    /// <summary>Streams the stat columns of rows in path order (see <see cref="ReadFiles"/>), for the scanner's merge.</summary>
    public IEnumerable<ScanRow> ReadScanRows(SyncPath? under = null)
    {
        using var connection = OpenConnection(DatabasePath, readOnly: true);
        using var tx = connection.BeginTransaction(deferred: true);
        using var cmd = connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = $"SELECT path, type, size, mtime_ns, mode, uid, gid, inode, deleted, racy, type = {(int)FileSystem.EntryType.File} AND deleted = 0 AND hash IS NULL FROM files"
            + (under is null ? "" : " WHERE path = $p OR (path >= $lo AND path < $hi)") + " ORDER BY path";
        if (under is not null)
        {
            cmd.Parameters.AddWithValue("$p", under.Value);
            cmd.Parameters.AddWithValue("$lo", under.Value + "/");
            cmd.Parameters.AddWithValue("$hi", under.Value + "0");
        }

        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            var text = r.GetString(0);
            var path = SyncPath.TryParse(text, out var parsed, out var error)
                ? parsed
                : throw new InvalidDataException($"state database holds an invalid path '{SyncPath.Printable(text)}': {error}");
            yield return new ScanRow(
                path, (FileSystem.EntryType)r.GetInt32(1), r.GetInt64(2), r.GetInt64(3), r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt64(7),
                r.GetInt64(8) != 0, r.GetInt64(9) != 0, r.GetInt64(10) != 0);
        }
    }

    /// <summary>Rows changed after <paramref name="sinceSeq"/> (tombstones included), in seq order: what a peer's incremental index request gets.</summary>
    public IReadOnlyList<FileRecord> ReadChangesSince(long sinceSeq, int limit)
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = $"SELECT {FileColumns} FROM files WHERE seq > $s ORDER BY seq LIMIT $n";
        cmd.Parameters.AddWithValue("$s", sinceSeq);
        cmd.Parameters.AddWithValue("$n", limit);
        using var r = cmd.ExecuteReader();
        var result = new List<FileRecord>();
        while (r.Read())
        {
            result.Add(ReadRecord(r));
        }

        return result;
    }

    /// <summary>
    /// As <see cref="ReadChangesSince(long, int)"/>, with each row's flag whether it is owed to <paramref name="owedTo"/>
    /// and not in conflict with it: exactly the rows the pusher offers that peer (<see cref="ReadOwed"/>). Without a
    /// peer, or for one never recorded, no row is flagged.
    /// </summary>
    public IReadOnlyList<(FileRecord Row, bool Owed)> ReadChangesSince(long sinceSeq, int limit, string? owedTo)
    {
        if (owedTo is null || !TryGetNodeId(owedTo, out var id))
        {
            return [.. ReadChangesSince(sinceSeq, limit).Select(r => (r, false))];
        }

        using var cmd = _connection.CreateCommand();
        cmd.CommandText =
            $"""
            SELECT {FileColumns}, EXISTS (SELECT 1 FROM dirty d WHERE d.path = files.path AND d.peer = $p
                AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.path = d.path AND c.peer = d.peer))
            FROM files WHERE seq > $s ORDER BY seq LIMIT $n
            """;
        cmd.Parameters.AddWithValue("$s", sinceSeq);
        cmd.Parameters.AddWithValue("$n", limit);
        cmd.Parameters.AddWithValue("$p", id);
        using var r = cmd.ExecuteReader();
        var result = new List<(FileRecord, bool)>();
        while (r.Read())
        {
            result.Add((ReadRecord(r), r.GetInt64(14) != 0));
        }

        return result;
    }

    /// <summary>
    /// The rows owed to <paramref name="peer"/> with paths after <paramref name="afterPath"/> in path order (a cursor,
    /// so a pusher walks the whole set once before starting over), leaving out paths in conflict with that peer.
    /// </summary>
    public IReadOnlyList<FileRecord> ReadOwed(string peer, string? afterPath, int limit)
    {
        var result = new List<FileRecord>();
        if (!TryGetNodeId(peer, out var id))
        {
            return result;
        }

        using var cmd = _connection.CreateCommand();
        cmd.CommandText =
            $"""
            SELECT {FileColumns} FROM files WHERE path IN (
                SELECT d.path FROM dirty d WHERE d.peer = $n AND d.path > $after
                AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.path = d.path AND c.peer = d.peer)
                ORDER BY d.path LIMIT $limit)
            ORDER BY path
            """;
        cmd.Parameters.AddWithValue("$n", id);
        cmd.Parameters.AddWithValue("$after", afterPath ?? "");
        cmd.Parameters.AddWithValue("$limit", limit);
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            result.Add(ReadRecord(r));
        }

        return result;
    }

    /// <summary>Number of paths owed to <paramref name="peer"/>, leaving out those in conflict with it (a person settles those).</summary>
    public long CountOwed(string peer)
    {
        if (!TryGetNodeId(peer, out var id))
        {
            return 0;
        }

        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM dirty d WHERE d.peer = $n AND NOT EXISTS (SELECT 1 FROM conflicts c WHERE c.path = d.path AND c.peer = d.peer)";
        cmd.Parameters.AddWithValue("$n", id);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Dirty marks, oldest first, with peer names.</summary>
    public IReadOnlyList<DirtyEntry> ReadDirty()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT d.path, n.name, d.since FROM dirty d JOIN nodes n ON n.id = d.peer ORDER BY d.since, d.path, n.name";
        using var r = cmd.ExecuteReader();
        var result = new List<DirtyEntry>();
        while (r.Read())
        {
            result.Add(new DirtyEntry(SyncPath.Parse(r.GetString(0)), r.GetString(1), r.GetInt64(2)));
        }

        return result;
    }

    /// <summary>Number of dirty paths per known peer (peers with none included, as 0).</summary>
    public IReadOnlyDictionary<string, long> CountDirtyByPeer()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT n.name, (SELECT count(*) FROM dirty d WHERE d.peer = p.node) FROM peers p JOIN nodes n ON n.id = p.node ORDER BY n.name";
        using var r = cmd.ExecuteReader();
        var result = new SortedDictionary<string, long>(StringComparer.Ordinal);
        while (r.Read())
        {
            result[r.GetString(0)] = r.GetInt64(1);
        }

        return result;
    }

    /// <summary>When the oldest dirty mark was set (Unix ms), or null when no peer is owed anything.</summary>
    public long? OldestDirtySinceUnixMs()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT min(since) FROM dirty";
        return cmd.ExecuteScalar() is long since ? since : null;
    }

    /// <summary>Number of open conflicts (one per path and peer).</summary>
    public long CountConflicts()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM conflicts";
        return (long)cmd.ExecuteScalar()!;
    }

    public IReadOnlyList<PeerRecord> ReadPeers()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT n.name, p.address, p.last_seen, p.their_seq_seen, p.state FROM peers p JOIN nodes n ON n.id = p.node ORDER BY n.name";
        using var r = cmd.ExecuteReader();
        var result = new List<PeerRecord>();
        while (r.Read())
        {
            result.Add(new PeerRecord(r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1), r.IsDBNull(2) ? null : r.GetInt64(2), r.GetInt64(3), r.GetString(4)));
        }

        return result;
    }

    public IReadOnlyList<ConflictRecord> ReadConflicts()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT c.path, n.name, c.their_version, c.their_hash, c.detected_at FROM conflicts c JOIN nodes n ON n.id = c.peer ORDER BY c.path, n.name";
        using var r = cmd.ExecuteReader();
        var result = new List<ConflictRecord>();
        while (r.Read())
        {
            result.Add(new ConflictRecord(
                SyncPath.Parse(r.GetString(0)),
                r.GetString(1),
                VersionVectorCodec.Decode((byte[])r.GetValue(2), NodeName),
                r.IsDBNull(3) ? null : (byte[])r.GetValue(3),
                r.GetInt64(4)));
        }

        return result;
    }

    /// <summary>Live (non-tombstone) rows and tombstones.</summary>
    public (long Live, long Tombstones) CountFiles()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) - coalesce(sum(deleted), 0), coalesce(sum(deleted), 0) FROM files";
        using var r = cmd.ExecuteReader();
        r.Read();
        return (r.GetInt64(0), r.GetInt64(1));
    }

    /// <summary>The highest sequence number given to a row so far, forgotten rows included (0 for an empty store).</summary>
    public long LastSeq
    {
        get
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = LastSeqSql;
            return (long)cmd.ExecuteScalar()!;
        }
    }

    /// <summary>
    /// The highest seq of the rows, or of a row <see cref="StateBatch.Forget"/> dropped (kept in <c>meta</c> as
    /// <see cref="ForgottenSeqKey"/>), whichever is higher. Peers ask for rows above the highest seq they have seen, so a
    /// seq must never be given out twice, not even after the row that had it is gone.
    /// </summary>
    internal const string LastSeqSql =
        $"SELECT max(coalesce((SELECT max(seq) FROM files), 0), coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = '{ForgottenSeqKey}'), 0))";

    internal const string ForgottenSeqKey = "forgotten_seq";

    /// <summary>A value from the <c>meta</c> table.</summary>
    public string? ReadMeta(string key) => GetMeta(key);
}
