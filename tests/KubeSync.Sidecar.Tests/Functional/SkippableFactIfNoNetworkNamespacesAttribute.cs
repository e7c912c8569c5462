using System.Diagnostics;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A fact that needs root and network namespaces (<c>ip netns</c>, <c>unshare --net</c>); skipped with the reason elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactIfNoNetworkNamespacesAttribute : FactAttribute
{
    public SkippableFactIfNoNetworkNamespacesAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to create network namespaces and a veth pair; run the tests as root, as CI does";
        }
        else if (!new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.Any(File.Exists))
        {
            Skip = "needs ip (iproute2) to create network namespaces";
        }
        else if (!CanCreateNetworkNamespace())
        {
            Skip = "cannot create a network namespace here (unshare --net failed: no CAP_SYS_ADMIN in this container?)";
        }
    }

    private static bool CanCreateNetworkNamespace()
    {
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--net", "true"]) { UseShellExecute = false, RedirectStandardError = true });
            return probe is not null && probe.WaitForExit(10_000) && probe.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false; // no unshare
        }
    }
}
