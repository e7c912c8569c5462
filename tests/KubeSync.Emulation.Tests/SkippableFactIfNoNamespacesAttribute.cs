using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Emulation.Tests;

/// <summary>A fact that needs pods in their own network namespaces (root, ip, unshare); skipped with the reason elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactIfNoNamespacesAttribute : FactAttribute
{
    public SkippableFactIfNoNamespacesAttribute()
    {
        if (NetworkCapabilities.WhyNotNamespaces() is { } reason)
        {
            Skip = reason;
        }
    }
}
