namespace KubeSync.Engine.Applying;

/// <summary>The metadata an applied entry gets: permission bits, modification time in nanoseconds, owner.</summary>
public readonly record struct FileMetadata(int Mode, long MtimeNs, int Uid, int Gid);
