using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>The API and the journal, with the writes every controller makes.</summary>
internal sealed class ControllerContext(KubeApiClient api, EmulatorOptions options, EmulatorJournal journal)
{
    public KubeApiClient Api { get; } = api;

    public EmulatorOptions Options { get; } = options;

    public EmulatorJournal Journal { get; } = journal;

    public async Task CreatePodAsync(Pod pod, string by, CancellationToken cancellationToken)
    {
        try
        {
            await Api.Resource(KubeResources.Pods).CreateAsync(pod, cancellationToken);
            Journal.Write($"{by}: created pod {pod.Metadata.Namespace}/{pod.Metadata.Name}");
        }
        catch (KubeAlreadyExistsException)
        {
            // A name clash (a random suffix, or a StatefulSet pod still terminating): the next pass tries again.
        }
    }

    public async Task DeletePodAsync(Pod pod, string by, string why, CancellationToken cancellationToken)
    {
        if (await Api.Resource(KubeResources.Pods).DeleteAsync(pod.Metadata.Namespace, pod.Metadata.Name!, new DeleteOptions { PreconditionUid = pod.Metadata.Uid }, cancellationToken))
        {
            Journal.Write($"{by}: deleted pod {pod.Metadata.Namespace}/{pod.Metadata.Name} ({why})");
        }
    }

    /// <summary>Writes <paramref name="status"/> through the status subresource unless it is what the object already has.</summary>
    public async Task WriteStatusAsync<T>(ResourceType<T> type, T obj, JsonNode? current, JsonObject status, CancellationToken cancellationToken)
        where T : KubeObject
    {
        if (JsonNode.DeepEquals(current, status))
        {
            return;
        }

        var patch = new JsonArray(new JsonObject { ["op"] = "add", ["path"] = "/status", ["value"] = status });
        try
        {
            await Api.Resource(type).PatchStatusAsync(obj.Metadata.Namespace, obj.Metadata.Name!, PatchType.Json, patch, cancellationToken);
        }
        catch (KubeNotFoundException)
        {
            // Deleted meanwhile.
        }
    }

    /// <summary>Sets <c>spec.replicas</c> of a ReplicaSet (the Deployment controller's only lever).</summary>
    public async Task ScaleAsync(ReplicaSet rs, int replicas, string why, CancellationToken cancellationToken)
    {
        if ((rs.Spec?.Replicas ?? 0) == replicas)
        {
            return;
        }

        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        await Api.Resource(EmulatedResources.ReplicaSets).PatchAsync(rs.Metadata.Namespace, rs.Metadata.Name!, PatchType.Merge, patch, cancellationToken);
        Journal.Write($"deployment controller: scaled replicaset {rs.Metadata.Namespace}/{rs.Metadata.Name} from {rs.Spec?.Replicas ?? 0} to {replicas} ({why})");
    }
}
