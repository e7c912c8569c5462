using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>A path whose current version <paramref name="Peer"/> has not confirmed yet, and since when (Unix ms).</summary>
public sealed record DirtyEntry(SyncPath Path, string Peer, long SinceUnixMs);
