using KubeSync.Testing.Emulation.Networking;

namespace KubeSync.Emulation.Tests;

/// <summary>
/// A fact that runs the operator against pods in their own network namespaces (root, ip, unshare: the operator reads
/// each member's status at its pod IP) with nginx as the app; skipped with the reason elsewhere.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactForOperatedClusterAttribute : FactAttribute
{
    public SkippableFactForOperatedClusterAttribute()
    {
        if (NetworkCapabilities.WhyNotNamespaces() is { } reason)
        {
            Skip = reason;
        }
        else if (!File.Exists("/usr/sbin/nginx"))
        {
            Skip = "nginx is not installed (/usr/sbin/nginx; Debian: nginx-light): the SyncGroup test reloads it";
        }
    }
}
