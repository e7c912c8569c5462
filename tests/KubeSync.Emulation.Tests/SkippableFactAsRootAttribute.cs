using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Emulation.Tests;

/// <summary>A fact that runs container processes as other users: the emulator switches users only when it runs as root.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactAsRootAttribute : FactAttribute
{
    public SkippableFactAsRootAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "runs containers as other users (runAsUser), which the emulator does only as root";
        }
        else if (NetworkCapabilities.WhyNoMountNamespaces() is { } reason)
        {
            Skip = reason;
        }
    }
}
