namespace KubeSync.Engine.State;

/// <summary>A peer dropped from the state for having been unseen too long, and how many dirty marks went with it.</summary>
public sealed record ForgottenPeer(string Node, string? Address, long? LastSeenUnixMs, long DirtyDropped);
