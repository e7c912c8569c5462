using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A fact that needs a real nginx (Debian's nginx-light in CI); skipped with the reason when it is missing.</summary>
public sealed class SkippableFactIfNoNginxAttribute : FactAttribute
{
    public SkippableFactIfNoNginxAttribute()
    {
        Skip = NginxServer.MissingReason;
    }
}
