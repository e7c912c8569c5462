namespace KubeSync.Delivery.Tests.Support;

/// <summary>A fact that needs programs on PATH; skipped with the reason (and where CI gets them) when one is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ToolFactAttribute : FactAttribute
{
    /// <param name="hint">Where the programs come from, e.g. "Debian's prometheus package; .ci/run installs it".</param>
    /// <param name="tools">Program names looked up on PATH.</param>
    public ToolFactAttribute(string hint, params string[] tools)
    {
        var missing = tools.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            Skip = $"{string.Join(", ", missing)} not on PATH ({hint})";
        }
    }
}
