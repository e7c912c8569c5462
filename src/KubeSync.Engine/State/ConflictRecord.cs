using KubeSync.Engine.Paths;

namespace KubeSync.Engine.State;

/// <summary>A path changed concurrently here and on <paramref name="Peer"/>, not yet resolved.</summary>
public sealed record ConflictRecord(SyncPath Path, string Peer, VersionVector TheirVersion, byte[]? TheirHash, long DetectedAtUnixMs);
