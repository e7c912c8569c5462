namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A fact that checks metrics with Prometheus' <c>promtool</c> (Debian package <c>prometheus</c>); skipped with the reason where it is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableFactIfNoPromtoolAttribute : FactAttribute
{
    public const string PromtoolPath = "/usr/bin/promtool";

    public SkippableFactIfNoPromtoolAttribute()
    {
        if (!File.Exists(PromtoolPath))
        {
            Skip = $"needs promtool at {PromtoolPath} (apt-get install prometheus) to check the /metrics output";
        }
    }
}
