using System.Diagnostics;

namespace KubeSync.Testing.Emulation.Networking;

/// <summary>Whether this process may make network namespaces (root, <c>ip</c> present, <c>unshare --net</c> allowed).</summary>
public static class NetworkCapabilities
{
    public static bool IsRoot => Environment.UserName == "root";

    /// <summary>Why namespace networking cannot be used here, or null when it can.</summary>
    public static string? WhyNotNamespaces()
    {
        if (!IsRoot)
        {
            return "needs root to create network namespaces, veth pairs and a bridge; run the tests as root, as CI does";
        }

        if (!new[] { "/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip" }.Any(File.Exists))
        {
            return "needs ip (iproute2) to create network namespaces";
        }

        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", ["--net", "--mount", "true"]) { UseShellExecute = false, RedirectStandardError = true });
            return probe is not null && probe.WaitForExit(10_000) && probe.ExitCode == 0 ? null : "cannot create network and mount namespaces here (unshare --net --mount failed: no CAP_SYS_ADMIN?)";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "needs unshare (util-linux)";
        }
    }

    public static bool CanUseNamespaces() => WhyNotNamespaces() is null;

    /// <summary>Why containers cannot get a mount namespace of their own here (needed for volumes and /etc/hosts), or null.</summary>
    public static string? WhyNoMountNamespaces()
    {
        string[] args = IsRoot ? ["--mount", "--uts", "true"] : ["--user", "--map-root-user", "--mount", "--uts", "true"];
        try
        {
            using var probe = Process.Start(new ProcessStartInfo("unshare", args) { UseShellExecute = false, RedirectStandardError = true });
            return probe is not null && probe.WaitForExit(10_000) && probe.ExitCode == 0
                ? null
                : $"cannot create mount namespaces here (unshare {string.Join(' ', args)} failed{(IsRoot ? "" : ": unprivileged user namespaces are off; run as root")})";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "needs unshare (util-linux)";
        }
    }
}
