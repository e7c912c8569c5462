using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Emulation.Tests;

/// <summary>A fact that runs container processes: they need a mount namespace each (root, or unprivileged user namespaces).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactIfNoMountNamespacesAttribute : FactAttribute
{
    public SkippableFactIfNoMountNamespacesAttribute()
    {
        if (NetworkCapabilities.WhyNoMountNamespaces() is { } reason)
        {
            Skip = reason;
        }
    }
}
