namespace KubeSync.Engine.Peers;

/// <summary>
/// When a new member (its state created by this process) becomes ready (docs/architecture.md, "Readiness"):
/// <list type="bullet">
/// <item>after a complete pull round with a peer that said it was ready when it sent the round's last IndexBatch
/// (a protocol version 1 peer cannot say, and counts as ready);</item>
/// <item>or, while no peer it has heard from is ready (a whole new group), once every configured address was tried
/// at least once and it has completed a round with every peer connected to it; a member that reaches nobody is
/// ready at once (the first member of a group).</item>
/// </list>
/// An existing member is ready after its first scan (the daemon says so); this class then has nothing to add.
/// </summary>
public sealed class MemberReadiness(Action<string> markReady)
{
    private readonly Lock _lock = new();
    private readonly HashSet<string> _pendingTargets = new(StringComparer.Ordinal);
    private readonly Dictionary<object, (string Peer, bool RoundDone)> _sessions = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _readyPeers = new(StringComparer.Ordinal);
    private bool _armed;

    /// <summary>An address is about to be dialled (or a name resolved) for the first time: wait for that attempt.</summary>
    public void Expect(string target)
    {
        lock (_lock)
        {
            _pendingTargets.Add(target);
        }
    }

    /// <summary>The first attempt on <paramref name="target"/> ended: a session took part, or nothing answered.</summary>
    public void Settled(string target)
    {
        lock (_lock)
        {
            if (!_pendingTargets.Remove(target))
            {
                return;
            }
        }

        Evaluate();
    }

    /// <summary>Every configured target is expected: from now on the rules apply.</summary>
    public void Arm()
    {
        lock (_lock)
        {
            _armed = true;
        }

        Evaluate();
    }

    /// <summary>A session with <paramref name="peer"/> takes part in the group (it sent its index, an offer or a want).</summary>
    public void SessionActive(object session, string peer)
    {
        lock (_lock)
        {
            _sessions[session] = (peer, false);
        }
    }

    /// <summary><paramref name="peer"/> said it is ready (an IndexBatch with the ready flag).</summary>
    public void PeerSaidReady(string peer)
    {
        lock (_lock)
        {
            _readyPeers.Add(peer);
        }
    }

    /// <summary>A pull round with the session's peer completed; <paramref name="peerReady"/>: its last batch said ready.</summary>
    public void RoundCompleted(object session, string peer, bool peerReady)
    {
        if (peerReady)
        {
            markReady($"pulled the whole index of {peer}, a ready member");
            return;
        }

        lock (_lock)
        {
            if (_sessions.ContainsKey(session))
            {
                _sessions[session] = (peer, true);
            }
        }

        Evaluate();
    }

    public void SessionEnded(object session)
    {
        lock (_lock)
        {
            if (!_sessions.Remove(session))
            {
                return;
            }
        }

        Evaluate();
    }

    private void Evaluate()
    {
        string? why = null;
        lock (_lock)
        {
            if (_armed && _pendingTargets.Count == 0 && _readyPeers.Count == 0 && _sessions.Values.All(s => s.RoundDone))
            {
                var peers = _sessions.Values.Select(s => s.Peer).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                why = peers.Count == 0
                    ? "no peer reachable: the first member of its group"
                    : $"no ready member reachable; pulled the index of every reachable peer ({string.Join(", ", peers)})";
            }
        }

        if (why is not null)
        {
            markReady(why);
        }
    }
}
