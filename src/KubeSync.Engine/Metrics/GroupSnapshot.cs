using KubeSync.Engine.Peers;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Metrics;

/// <summary>
/// What a group's state database said at one moment, for one scrape of /metrics or /status: read under the group's
/// gate once, so a scrape neither holds the gate per instrument nor sees counts from different moments.
/// </summary>
public sealed record GroupSnapshot(
    long Files,
    long Tombstones,
    long LastSeq,
    long Conflicts,
    IReadOnlyDictionary<string, long> DirtyByPeer,
    DateTimeOffset? OldestDirtySince,
    IReadOnlyList<PeerRecord> Peers,
    DateTimeOffset TakenAt)
{
    /// <summary>Dirty marks (path, peer) in all.</summary>
    public long Dirty => DirtyByPeer.Values.Sum();

    /// <summary>Reads the group's state, or returns null when its gate is not free within <paramref name="timeout"/>.</summary>
    public static async Task<GroupSnapshot?> TryTakeAsync(GroupRuntime group, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(timeout);
        AsyncGate.Releaser gate;
        try
        {
            gate = await group.Gate.EnterAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }

        using (gate)
        {
            var store = group.Group.Store;
            var (live, tombstones) = store.CountFiles();
            return new GroupSnapshot(
                live,
                tombstones,
                store.LastSeq,
                store.CountConflicts(),
                store.CountDirtyByPeer(),
                store.OldestDirtySinceUnixMs() is { } since ? DateTimeOffset.FromUnixTimeMilliseconds(since) : null,
                store.ReadPeers(),
                group.Time.GetUtcNow());
        }
    }
}
