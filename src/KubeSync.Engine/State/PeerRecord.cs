namespace KubeSync.Engine.State;

/// <summary>A member this member syncs with, and how far it has read that member's index.</summary>
public sealed record PeerRecord(string Node, string? Address, long? LastSeenUnixMs, long TheirSeqSeen, string State);
