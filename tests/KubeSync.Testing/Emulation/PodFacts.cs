using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>What controllers read from a pod's status.</summary>
internal static class PodFacts
{
    public static bool IsTerminating(KubeObject obj) => obj.Metadata.DeletionTimestamp is not null;

    public static string? Phase(Pod pod) => pod.Status?["phase"]?.GetValue<string>();

    /// <summary>Counts for a controller: not being deleted and not finished.</summary>
    public static bool IsActive(Pod pod) => !IsTerminating(pod) && Phase(pod) is not ("Succeeded" or "Failed");

    public static bool IsReady(Pod pod) => Condition(pod, "Ready") == "True";

    public static bool IsRunningAndReady(Pod pod) => Phase(pod) == "Running" && IsReady(pod);

    public static string? PodIP(Pod pod) => pod.Status?["podIP"]?.GetValue<string>();

    public static string? Condition(Pod pod, string type) =>
        (pod.Status?["conditions"] as JsonArray)?.OfType<JsonObject>()
            .FirstOrDefault(c => c["type"]?.GetValue<string>() == type)?["status"]?.GetValue<string>();

    /// <summary>The label <paramref name="key"/> or null.</summary>
    public static string? Label(KubeObject obj, string key) => obj.Metadata.Labels?.GetValueOrDefault(key);
}
