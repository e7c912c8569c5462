using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.State;

/// <summary>
/// The group's state database (SQLite, WAL): what this member has, versions, dirty marks per peer, conflicts.
/// One instance per group and process; writes go through <see cref="BeginBatch"/>, one batch at a time.
/// </summary>
public sealed partial class StateStore : IDisposable
{
    internal const string FileColumns = "path, type, size, mtime_ns, mode, uid, gid, inode, link_target, hash, version, seq, deleted, racy";

    private static readonly Lazy<bool> SqliteReady = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        return true;
    });

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, long> _nodeIds = new(StringComparer.Ordinal);
    private readonly Dictionary<long, string> _nodeNames = [];
    private readonly TimeProvider _time;

    private StateStore(string databasePath, string node, SqliteConnection connection, TimeProvider time)
    {
        DatabasePath = databasePath;
        Node = node;
        _connection = connection;
        _time = time;
    }

    /// <summary>This member's node id, whose counter local changes increment.</summary>
    public string Node { get; }

    public string DatabasePath { get; }

    /// <summary>The schema version the database had before this open (0 for a new database).</summary>
    public int OpenedAtSchemaVersion { get; private set; }

    /// <summary>Opens (creating or migrating) the state database of <paramref name="group"/> for member <paramref name="node"/>.</summary>
    /// <exception cref="StateStoreException">The database belongs to another group, has a newer schema, or cannot be opened.</exception>
    public static StateStore Open(string databasePath, string node, string group, TimeProvider? time = null)
    {
        _ = SqliteReady.Value;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(databasePath))!);
        var connection = OpenConnection(databasePath, readOnly: false);
        var store = new StateStore(databasePath, node, connection, time ?? TimeProvider.System);
        try
        {
            store.OpenedAtSchemaVersion = StateSchema.Migrate(connection);
            store.CheckIdentity(group);
            store.LoadNodes();
            return store;
        }
        catch (SqliteException ex)
        {
            store.Dispose();
            throw new StateStoreException($"cannot open state database {databasePath}: {ex.Message}", ex);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    /// <summary>Starts a write transaction. Dispose without <see cref="StateBatch.Commit"/> rolls it back.</summary>
    public StateBatch BeginBatch() => new(this, _connection);

    /// <summary>Now, in Unix milliseconds, from the store's clock.</summary>
    internal long NowUnixMs => _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Dispose()
    {
        _connection.Dispose();
    }

    /// <remarks>
    /// Read-only connections are opened only after the store's read-write one: after a crash the WAL must be
    /// recovered, and a read-only connection cannot do that ("attempt to write a readonly database").
    /// </remarks>
    internal static SqliteConnection OpenConnection(string databasePath, bool readOnly)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = databasePath,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        connection.Open();
        using var cmd = connection.CreateCommand();

        // WAL: readers (CLI verbs, the scanner's merge cursor) never block the writer. synchronous=NORMAL
        // in WAL mode loses no committed transaction on a process crash (kill -9), only on power loss, and
        // the next scan re-derives anything lost from the files themselves.
        cmd.CommandText = readOnly
            ? "PRAGMA busy_timeout = 10000;"
            : "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000; PRAGMA temp_store = MEMORY;";
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Frees SQLite's page cache and other memory it can (<c>PRAGMA shrink_memory</c>); it is refilled from disk as needed.</summary>
    public void ReleaseMemory()
    {
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "PRAGMA shrink_memory";
        cmd.ExecuteNonQuery();
    }

    internal long NodeId(string name, SqliteTransaction transaction)
    {
        if (_nodeIds.TryGetValue(name, out var id))
        {
            return id;
        }

        using var cmd = _connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "INSERT INTO nodes(name) VALUES($n) ON CONFLICT(name) DO UPDATE SET name = excluded.name RETURNING id";
        cmd.Parameters.AddWithValue("$n", name);
        id = (long)cmd.ExecuteScalar()!;
        _nodeIds[name] = id;
        _nodeNames[id] = name;
        return id;
    }

    internal bool TryGetNodeId(string name, out long id) => _nodeIds.TryGetValue(name, out id);

    internal string NodeName(long id) =>
        _nodeNames.TryGetValue(id, out var name) ? name : throw new InvalidDataException($"state database refers to unknown node id {id}");

    /// <summary>After a rolled-back batch the node cache may name ids that were never committed.</summary>
    internal void ReloadNodes() => LoadNodes();

    internal FileRecord ReadRecord(SqliteDataReader r)
    {
        var pathText = r.GetString(0);
        if (!SyncPath.TryParse(pathText, out var path, out var error))
        {
            throw new InvalidDataException($"state database holds an invalid path '{SyncPath.Printable(pathText)}': {error}");
        }

        return new FileRecord(
            path,
            (EntryType)r.GetInt32(1),
            r.GetInt64(2),
            r.GetInt64(3),
            r.GetInt32(4),
            r.GetInt32(5),
            r.GetInt32(6),
            r.GetInt64(7),
            r.IsDBNull(8) ? null : r.GetString(8),
            r.IsDBNull(9) ? null : (byte[])r.GetValue(9),
            VersionVectorCodec.Decode((byte[])r.GetValue(10), NodeName),
            r.GetInt64(11),
            r.GetInt64(12) != 0,
            r.GetInt64(13) != 0);
    }

    private void CheckIdentity(string group)
    {
        // Most opens find everything as it was: read first, and write (a transaction) only when something is new.
        var (knownGroup, knownNode) = (GetMeta("group"), GetMeta("node"));
        if (knownGroup == group && knownNode == Node)
        {
            return;
        }

        using var tx = _connection.BeginTransaction();
        var storedGroup = GetMeta("group", tx);
        if (storedGroup is not null && storedGroup != group)
        {
            throw new StateStoreException($"state database {DatabasePath} belongs to group '{storedGroup}', not '{group}'; give each group its own stateDir");
        }

        SetMeta("group", group, tx);
        SetMeta("node", Node, tx);
        tx.Commit();
    }

    private void LoadNodes()
    {
        _nodeIds.Clear();
        _nodeNames.Clear();
        using var cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT id, name FROM nodes";
        using var r = cmd.ExecuteReader();
        while (r.Read())
        {
            _nodeIds[r.GetString(1)] = r.GetInt64(0);
            _nodeNames[r.GetInt64(0)] = r.GetString(1);
        }
    }

    internal string? GetMeta(string key, SqliteTransaction? tx = null)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "SELECT value FROM meta WHERE key = $k";
        cmd.Parameters.AddWithValue("$k", key);
        return cmd.ExecuteScalar() as string;
    }

    internal void SetMeta(string key, string value, SqliteTransaction tx)
    {
        using var cmd = _connection.CreateCommand();
        cmd.Transaction = tx;
        cmd.CommandText = "INSERT INTO meta(key, value) VALUES($k, $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
    }
}
