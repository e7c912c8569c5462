using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>A fact that renders the chart; skipped with the reason where Go or Debian's sprig (or kubectl, when asked) is missing.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RenderFactAttribute : FactAttribute
{
    public RenderFactAttribute(bool needsKubectl = false)
    {
        if (ChartRenderer.MissingReason is { } reason)
        {
            Skip = reason;
        }
        else if (needsKubectl && ExternalTool.Find("kubectl") is null)
        {
            Skip = "kubectl not on PATH (part of the machine image; docs/kubernetes-client.md)";
        }
    }
}
