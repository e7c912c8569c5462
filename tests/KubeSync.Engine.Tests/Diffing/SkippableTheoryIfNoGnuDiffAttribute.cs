namespace KubeSync.Engine.Tests.Diffing;

/// <summary>A theory that compares with GNU <c>diff</c>; skipped with the reason where it is not installed.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class SkippableTheoryIfNoGnuDiffAttribute : TheoryAttribute
{
    public const string DiffPath = "/usr/bin/diff";

    public SkippableTheoryIfNoGnuDiffAttribute()
    {
        if (!File.Exists(DiffPath))
        {
            Skip = $"needs GNU diff at {DiffPath} to compare output with diff -u";
        }
    }
}
