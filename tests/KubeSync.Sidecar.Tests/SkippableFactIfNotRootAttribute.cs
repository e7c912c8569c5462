namespace KubeSync.Sidecar.Tests;

/// <summary>A fact that needs root (to drop to another user with <c>setpriv</c>); skipped with the reason elsewhere.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactIfNotRootAttribute : FactAttribute
{
    public SkippableFactIfNotRootAttribute()
    {
        if (Environment.UserName != "root")
        {
            Skip = "needs root to run a scan as another user (setpriv); run the tests as root, as CI does";
        }
        else if (!File.Exists("/usr/bin/setpriv") && !File.Exists("/bin/setpriv"))
        {
            Skip = "needs setpriv (util-linux) to run a scan as another user";
        }
    }
}
