using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Peers;

/// <summary>A peer's whole index as an observer read it.</summary>
/// <param name="PeerReady">The peer said it was ready when it sent the last batch (protocol version 2).</param>
public sealed record PeerIndex(IReadOnlyList<WireEntry> Entries, bool PeerReady);
