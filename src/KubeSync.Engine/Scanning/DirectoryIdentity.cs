namespace KubeSync.Engine.Scanning;

/// <summary>A directory's (device, inode): the walker's bind-mount loop check.</summary>
internal readonly record struct DirectoryIdentity(long Device, long Inode);
