using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>The scheduler for one node: binds every pod without <c>spec.nodeName</c> to it.</summary>
internal sealed class Scheduler(ControllerContext context)
{
    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var pod in snapshot.Pods.Where(p => !PodFacts.IsTerminating(p) && NodeName(p) is null))
        {
            // A real scheduler posts a Binding; the fake has no binding subresource, so the field is patched directly.
            var patch = new JsonObject { ["spec"] = new JsonObject { ["nodeName"] = context.Options.NodeName } };
            try
            {
                await context.Api.Resource(KubeResources.Pods).PatchAsync(pod.Metadata.Namespace, pod.Metadata.Name!, PatchType.Merge, patch, cancellationToken);
                context.Journal.Write($"scheduler: bound {pod.Metadata.Namespace}/{pod.Metadata.Name} to {context.Options.NodeName}");
            }
            catch (KubeNotFoundException)
            {
                // Deleted meanwhile.
            }
        }
    }

    public static string? NodeName(Pod pod) =>
        pod.Spec?.AdditionalProperties?.TryGetValue("nodeName", out var node) == true && node.ValueKind == System.Text.Json.JsonValueKind.String ? node.GetString() : null;
}
