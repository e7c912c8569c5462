namespace KubeSync.Engine.Tests.Applying;

/// <summary>A fact that only root can run: it mounts a file system, or gives files to other users.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute(string reason = "needs root to mount a tmpfs inside the sync root")
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = reason;
        }
    }
}
