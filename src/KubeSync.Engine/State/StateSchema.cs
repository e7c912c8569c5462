using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.State;

/// <summary>
/// The schema as forward migrations: migration <c>i</c> takes a database from version <c>i</c> to <c>i + 1</c>.
/// Never edit a released step; add one.
/// </summary>
internal static class StateSchema
{
    private static readonly string[] Migrations =
    [
        // 0 -> 1: the tables of DESIGN 3.2. WITHOUT ROWID keeps each row once, in its primary key's b-tree.
        """
        CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
        CREATE TABLE nodes(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
        CREATE TABLE files(
            path TEXT PRIMARY KEY,
            type INTEGER NOT NULL,
            size INTEGER NOT NULL,
            mtime_ns INTEGER NOT NULL,
            mode INTEGER NOT NULL,
            uid INTEGER NOT NULL,
            gid INTEGER NOT NULL,
            inode INTEGER NOT NULL,
            link_target TEXT,
            hash BLOB,
            version BLOB NOT NULL,
            seq INTEGER NOT NULL,
            deleted INTEGER NOT NULL,
            racy INTEGER NOT NULL
        ) WITHOUT ROWID;
        CREATE UNIQUE INDEX files_seq ON files(seq);
        CREATE TABLE peers(
            node INTEGER PRIMARY KEY,
            address TEXT,
            last_seen INTEGER,
            their_seq_seen INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL DEFAULT 'new');
        CREATE TABLE dirty(path TEXT NOT NULL, peer INTEGER NOT NULL, since INTEGER NOT NULL, PRIMARY KEY(path, peer)) WITHOUT ROWID;
        CREATE TABLE conflicts(
            path TEXT NOT NULL,
            peer INTEGER NOT NULL,
            their_version BLOB NOT NULL,
            their_hash BLOB,
            detected_at INTEGER NOT NULL,
            PRIMARY KEY(path, peer)) WITHOUT ROWID;
        CREATE TABLE pending_actions(action TEXT NOT NULL, path TEXT NOT NULL, PRIMARY KEY(action, path)) WITHOUT ROWID;
        """,

        // 1 -> 2: pending actions survive a crash with their trigger order (seq: a run deletes only the rows it
        // covered, not those a later trigger wrote while it ran), first trigger time and attempts so far.
        """
        ALTER TABLE pending_actions ADD COLUMN seq INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE pending_actions ADD COLUMN first_trigger INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE pending_actions ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
        """,
    ];

    /// <summary>The schema version this build writes.</summary>
    public static int Current => Migrations.Length;

    /// <summary>Brings the database up to <see cref="Current"/>; returns the version it was at.</summary>
    public static int Migrate(SqliteConnection connection)
    {
        var version = ReadVersion(connection);
        if (version > Current)
        {
            throw new StateStoreException($"state database schema version {version} is newer than this kubesync understands ({Current}); upgrade kubesync or remove the state directory to rebuild it");
        }

        for (var v = version; v < Current; v++)
        {
            using var tx = connection.BeginTransaction();
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = Migrations[v];
                cmd.ExecuteNonQuery();
                cmd.CommandText = "INSERT INTO meta(key, value) VALUES('schema_version', $v) ON CONFLICT(key) DO UPDATE SET value = excluded.value";
                cmd.Parameters.AddWithValue("$v", (v + 1).ToString());
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }

        return version;
    }

    private static int ReadVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'";
        if ((long)cmd.ExecuteScalar()! == 0)
        {
            return 0;
        }

        cmd.CommandText = "SELECT value FROM meta WHERE key = 'schema_version'";
        var value = cmd.ExecuteScalar() as string;
        return int.TryParse(value, out var v) ? v : throw new StateStoreException("state database has a meta table but no schema_version; it was not written by kubesync");
    }
}
