namespace KubeSync.Engine.State;

/// <summary>Metadata a group does not sync (config key <c>ignore</c>): a change to it alone is not a new version.</summary>
[Flags]
public enum IgnoredMetadata
{
    None = 0,
    Uid = 1,
    Gid = 2,
    Mode = 4,
}
