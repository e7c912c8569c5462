using System.Text.Json.Nodes;

namespace KubeSync.Kubernetes.Resources;

public sealed class LabelSelector
{
    public Dictionary<string, string>? MatchLabels { get; set; }

    public JsonArray? MatchExpressions { get; set; }
}
