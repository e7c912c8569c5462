namespace KubeSync.Engine.Tests.Actions;

/// <summary>A fact that needs a real nginx (Debian's nginx-light in CI); skipped with the reason when it is missing.</summary>
public sealed class NginxFactAttribute : FactAttribute
{
    public const string NginxPath = "/usr/sbin/nginx";

    public NginxFactAttribute()
    {
        if (!File.Exists(NginxPath))
        {
            Skip = $"needs nginx at {NginxPath} (apt-get install nginx-light)";
        }
    }
}
