namespace KubeSync.Engine.State;

/// <summary>Peer expiry (DESIGN 3.2): pods come and go, and a peer unseen for <c>timing.peerExpiry</c> is forgotten.</summary>
public sealed partial class StateBatch
{
    /// <summary>
    /// Records that <paramref name="peers"/> are seen now (their sessions are open), and starts the clock of every
    /// peer never seen at all (a row added by a connection that ended before its first pull, or a configured peer):
    /// such a peer counts as unseen from now, not from the epoch.
    /// </summary>
    public void MarkPeersSeen(IEnumerable<string> peers)
    {
        foreach (var peer in peers)
        {
            if (_store.TryGetNodeId(peer, out var id))
            {
                using var cmd = Command("UPDATE peers SET last_seen = $t WHERE node = $n");
                cmd.Parameters.AddWithValue("$t", _now);
                cmd.Parameters.AddWithValue("$n", id);
                cmd.ExecuteNonQuery();
            }
        }

        using var unseen = Command("UPDATE peers SET last_seen = $t WHERE last_seen IS NULL");
        unseen.Parameters.AddWithValue("$t", _now);
        unseen.ExecuteNonQuery();
    }

    /// <summary>
    /// Forgets every peer last seen before <paramref name="unseenSinceUnixMs"/>, except those named in
    /// <paramref name="keep"/> (connected, or configured statically): its dirty marks and its <c>peers</c> row go,
    /// so counts and alerts follow the live group. Its conflicts stay (they are about local data and wait for a
    /// person), and so does its node id (version vectors name it). A forgotten peer that comes back is new again:
    /// it is owed every row, and its index is pulled from the start. Peers never seen (no <c>last_seen</c>) are kept.
    /// </summary>
    public IReadOnlyList<ForgottenPeer> ForgetPeersUnseenSince(long unseenSinceUnixMs, IReadOnlySet<string> keep)
    {
        var candidates = new List<(long Id, string Node, string? Address, long LastSeen)>();
        using (var cmd = Command("SELECT p.node, n.name, p.address, p.last_seen FROM peers p JOIN nodes n ON n.id = p.node WHERE p.last_seen < $cutoff ORDER BY n.name"))
        {
            cmd.Parameters.AddWithValue("$cutoff", unseenSinceUnixMs);
            using var r = cmd.ExecuteReader();
            while (r.Read())
            {
                candidates.Add((r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3)));
            }
        }

        var forgotten = new List<ForgottenPeer>();
        foreach (var (id, node, address, lastSeen) in candidates)
        {
            if (keep.Contains(node))
            {
                continue;
            }

            using var dirty = Command("DELETE FROM dirty WHERE peer = $n");
            dirty.Parameters.AddWithValue("$n", id);
            var dropped = dirty.ExecuteNonQuery();
            _peersBesides.Clear();
            using var row = Command("DELETE FROM peers WHERE node = $n");
            row.Parameters.AddWithValue("$n", id);
            row.ExecuteNonQuery();
            forgotten.Add(new ForgottenPeer(node, address, lastSeen, dropped));
        }

        return forgotten;
    }
}
