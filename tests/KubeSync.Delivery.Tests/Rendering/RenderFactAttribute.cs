using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>
/// A fact that renders the chart; skipped with the reason where Go or Debian's sprig is missing, or kubectl or a
/// file of the source tree when the test says it needs them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RenderFactAttribute : FactAttribute
{
    public RenderFactAttribute(bool needsKubectl = false, string? needsFile = null)
    {
        if (ChartRenderer.MissingReason is { } reason)
        {
            Skip = reason;
        }
        else if (needsKubectl && ExternalTool.Find("kubectl") is null)
        {
            Skip = "kubectl not on PATH (part of the machine image; docs/kubernetes-client.md)";
        }
        else if (needsFile is not null && !File.Exists(RepositoryLayout.Combine(needsFile)))
        {
            Skip = $"{needsFile} is not in this source tree";
        }
    }
}
