using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

using Microsoft.Data.Sqlite;

namespace KubeSync.Engine.Actions;

/// <summary>
/// The <c>pending_actions</c> table of the group's state database: an action's paths are written when it is
/// triggered and deleted when its run succeeds (or gives up), so a crash in between re-runs it at the next start.
/// Its own connection (WAL lets it write beside the <see cref="StateStore"/>'s); safe to use from several threads.
/// </summary>
public sealed class PendingActionStore : IDisposable
{
    private readonly Lock _lock = new();
    private readonly SqliteConnection _connection;
    private long _lastSeq;

    private PendingActionStore(SqliteConnection connection)
    {
        _connection = connection;
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT coalesce(max(seq), 0) FROM pending_actions";
        _lastSeq = (long)cmd.ExecuteScalar()!;
    }

    /// <summary>Opens the table in <paramref name="store"/>'s database (which the store has already migrated).</summary>
    public static PendingActionStore Open(StateStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return new PendingActionStore(StateStore.OpenConnection(store.DatabasePath, readOnly: false));
    }

    /// <summary>Records <paramref name="paths"/> as pending for <paramref name="action"/>; returns the trigger's sequence number.</summary>
    public long Add(string action, IReadOnlyCollection<SyncPath> paths, DateTimeOffset now)
    {
        lock (_lock)
        {
            var seq = ++_lastSeq;
            using var tx = _connection.BeginTransaction();
            using var cmd = _connection.CreateCommand();
            cmd.Transaction = tx;
            cmd.CommandText = """
                INSERT INTO pending_actions(action, path, seq, first_trigger, attempts) VALUES($a, $p, $s, $t, 0)
                ON CONFLICT(action, path) DO UPDATE SET seq = excluded.seq
                """;
            cmd.Parameters.AddWithValue("$a", action);
            var path = cmd.Parameters.Add("$p", SqliteType.Text);
            cmd.Parameters.AddWithValue("$s", seq);
            cmd.Parameters.AddWithValue("$t", now.ToUnixTimeMilliseconds());
            foreach (var p in paths)
            {
                path.Value = p.Value;
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
            return seq;
        }
    }

    /// <summary>Records how many runs of the batch up to <paramref name="upToSeq"/> have failed.</summary>
    public void SetAttempts(string action, long upToSeq, int attempts) =>
        Execute("UPDATE pending_actions SET attempts = $n WHERE action = $a AND seq <= $s", action, upToSeq, attempts);

    /// <summary>Deletes the rows a finished run covered: those not triggered again since <paramref name="upToSeq"/>.</summary>
    public void Remove(string action, long upToSeq) =>
        Execute("DELETE FROM pending_actions WHERE action = $a AND seq <= $s", action, upToSeq, 0);

    /// <summary>Deletes every row of <paramref name="action"/>.</summary>
    public void RemoveAll(string action) => Remove(action, long.MaxValue);

    public IReadOnlyList<PendingAction> ReadAll()
    {
        lock (_lock)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = "SELECT action, path, seq, first_trigger, attempts FROM pending_actions ORDER BY action, path";
            using var r = cmd.ExecuteReader();
            var result = new List<PendingAction>();
            Dictionary<SyncPath, long>? paths = null;
            string? current = null;
            long first = long.MaxValue;
            var attempts = 0;
            while (r.Read())
            {
                var action = r.GetString(0);
                if (action != current)
                {
                    Flush();
                    (current, paths, first, attempts) = (action, [], long.MaxValue, 0);
                }

                // A row whose path no longer parses (written by a different build) cannot be passed to an action.
                if (SyncPath.TryParse(r.GetString(1), out var path, out _))
                {
                    paths![path] = r.GetInt64(2);
                }

                first = Math.Min(first, r.GetInt64(3));
                attempts = Math.Max(attempts, r.GetInt32(4));
            }

            Flush();
            return result;

            void Flush()
            {
                if (current is not null)
                {
                    result.Add(new PendingAction(current, paths!, DateTimeOffset.FromUnixTimeMilliseconds(first), attempts));
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _connection.Dispose();
        }
    }

    private void Execute(string sql, string action, long seq, int attempts)
    {
        lock (_lock)
        {
            using var cmd = _connection.CreateCommand();
            cmd.CommandText = sql;
            cmd.Parameters.AddWithValue("$a", action);
            cmd.Parameters.AddWithValue("$s", seq);
            cmd.Parameters.AddWithValue("$n", attempts);
            cmd.ExecuteNonQuery();
        }
    }
}
