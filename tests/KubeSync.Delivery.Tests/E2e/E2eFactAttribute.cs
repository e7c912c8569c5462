using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.E2e;

/// <summary>
/// The kind end-to-end run: needs docker (with a daemon), kind, helm and kubectl, and KUBESYNC_E2E=1 so that
/// `dotnet test` never creates a cluster by surprise. Skipped with the reason otherwise.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class E2eFactAttribute : FactAttribute
{
    public E2eFactAttribute()
    {
        var missing = new[] { "docker", "kind", "helm", "kubectl" }.Where(t => ExternalTool.Find(t) is null).ToList();
        if (missing.Count > 0)
        {
            Skip = $"the kind e2e run needs Docker, kind, helm and kubectl; missing here: {string.Join(", ", missing)} (docs/operations.md, \"End-to-end test on kind\")";
        }
        else if (Environment.GetEnvironmentVariable("KUBESYNC_E2E") != "1")
        {
            Skip = "the kind e2e run creates a cluster: set KUBESYNC_E2E=1 to run it";
        }
    }
}
