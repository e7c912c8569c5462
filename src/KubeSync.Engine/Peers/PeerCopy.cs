using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Peers;

/// <summary>A peer's copy of one path as an observer read it.</summary>
/// <param name="Entry">The peer's entry, or null when it refused (<paramref name="Refusal"/> says why).</param>
/// <param name="Content">A live file's content (checked against the entry's hash); empty for other entries; null when refused.</param>
public sealed record PeerCopy(WireEntry? Entry, byte[]? Content, string? Refusal);
