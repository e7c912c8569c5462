using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

public sealed partial class StateBatch
{
    /// <summary>
    /// Whether a live row below the directory <paramref name="directory"/> is owed to <paramref name="peer"/> or in
    /// conflict with it: a change there the peer has not seen, so the peer cannot have removed it.
    /// </summary>
    public bool HasUnseenBelow(SyncPath directory, string peer)
    {
        using var cmd = Command(
            """
            SELECT EXISTS (SELECT 1 FROM files f WHERE f.path > $lo AND f.path < $hi AND f.deleted = 0
                AND (EXISTS (SELECT 1 FROM dirty d WHERE d.path = f.path AND d.peer = $n)
                  OR EXISTS (SELECT 1 FROM conflicts c WHERE c.path = f.path AND c.peer = $n)))
            """);

        // Every path below "dir" sorts between "dir/" and "dir0" ('0' follows '/').
        cmd.Parameters.AddWithValue("$lo", directory.Value + "/");
        cmd.Parameters.AddWithValue("$hi", directory.Value + "0");
        cmd.Parameters.AddWithValue("$n", _store.NodeId(peer, _tx));
        return (long)cmd.ExecuteScalar()! != 0;
    }
}
