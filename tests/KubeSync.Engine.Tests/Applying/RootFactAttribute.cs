namespace KubeSync.Engine.Tests.Applying;

/// <summary>A fact that mounts a file system, which only root can do.</summary>
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root to mount a tmpfs inside the sync root";
        }
    }
}
