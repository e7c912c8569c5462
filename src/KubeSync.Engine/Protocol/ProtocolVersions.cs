namespace KubeSync.Engine.Protocol;

/// <summary>The protocol versions this build speaks. The handshake picks the highest version both ends speak.</summary>
public static class ProtocolVersions
{
    /// <summary>Oldest version this build still speaks.</summary>
    public const int Min = 1;

    /// <summary>Newest version this build speaks.</summary>
    public const int Max = 1;
}
