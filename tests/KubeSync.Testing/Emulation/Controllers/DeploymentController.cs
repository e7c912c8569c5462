using System.Globalization;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The Deployment controller: one ReplicaSet per pod template (<c>NAME-HASH</c>, labelled and selected by
/// <c>pod-template-hash</c>, owned by the Deployment, revision annotation), rolled with the Deployment's strategy:
/// <c>Recreate</c> (old ReplicaSets to zero, then the new one up) or <c>RollingUpdate</c> with <c>maxSurge</c> and
/// <c>maxUnavailable</c> (25 % each by default). Status: replicas, updated, ready, available, observedGeneration.
/// </summary>
internal sealed class DeploymentController(ControllerContext context)
{
    private const string Who = "deployment controller";
    private const string HashLabel = "pod-template-hash";
    private const string RevisionAnnotation = "deployment.kubernetes.io/revision";

    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var deployment in snapshot.Deployments.Where(d => !PodFacts.IsTerminating(d)))
        {
            await ReconcileAsync(snapshot, deployment, cancellationToken);
        }
    }

    private async Task ReconcileAsync(ClusterSnapshot snapshot, Deployment deployment, CancellationToken cancellationToken)
    {
        var hash = PodTemplates.Hash(deployment.Spec?.Template);
        var owned = snapshot.ReplicaSets.Where(rs => Owners.IsControlledBy(rs, deployment) && !PodFacts.IsTerminating(rs)).ToList();
        var current = owned.FirstOrDefault(rs => PodFacts.Label(rs, HashLabel) == hash);
        var desired = deployment.Spec?.Replicas ?? 1;
        if (current is null)
        {
            await CreateReplicaSetAsync(deployment, hash, owned, desired, cancellationToken);
            return;
        }

        var old = owned.Where(rs => rs != current).ToList();
        // Ready pods a ReplicaSet is about to delete (beyond its replicas) do not count towards availability.
        int Ready(ReplicaSet rs) => Math.Min(rs.Spec?.Replicas ?? 0, snapshot.PodsOwnedBy(rs).Count(p => PodFacts.IsActive(p) && PodFacts.IsReady(p)));
        var strategy = PodTemplates.Extra(deployment.Spec?.AdditionalProperties, "strategy", "type")?.GetString() ?? "RollingUpdate";
        if (strategy == "Recreate")
        {
            await RecreateAsync(snapshot, current, old, desired, cancellationToken);
        }
        else
        {
            await RollAsync(deployment, current, old, desired, Ready, cancellationToken);
        }

        await WriteStatusAsync(snapshot, deployment, current, owned, desired, cancellationToken);
    }

    private async Task CreateReplicaSetAsync(Deployment deployment, string hash, List<ReplicaSet> owned, int desired, CancellationToken cancellationToken)
    {
        var revision = owned.Select(rs => int.TryParse(rs.Metadata.Annotations?.GetValueOrDefault(RevisionAnnotation), CultureInfo.InvariantCulture, out var r) ? r : 0).DefaultIfEmpty(0).Max() + 1;
        var template = PodTemplates.WithLabels(deployment.Spec?.Template, new Dictionary<string, string> { [HashLabel] = hash });
        var selector = new LabelSelector
        {
            MatchLabels = new Dictionary<string, string>(deployment.Spec?.Selector?.MatchLabels ?? [], StringComparer.Ordinal) { [HashLabel] = hash },
            MatchExpressions = deployment.Spec?.Selector?.MatchExpressions?.DeepClone().AsArray(),
        };
        var rs = new ReplicaSet
        {
            ApiVersion = "apps/v1",
            Kind = "ReplicaSet",
            Metadata = new ObjectMeta
            {
                Name = $"{deployment.Metadata.Name}-{hash}",
                Namespace = deployment.Metadata.Namespace,
                Labels = template.Metadata!.Labels,
                Annotations = new Dictionary<string, string> { [RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture) },
                OwnerReferences = [Owners.ControllerReference(deployment, ResourceKind.Deployments)],
            },

            // The first ReplicaSet starts at full size; a rollout's new one starts empty and grows as the strategy allows.
            Spec = new WorkloadSpec { Replicas = owned.Count == 0 ? desired : 0, Selector = selector, Template = template },
        };
        try
        {
            await context.Api.Resource(EmulatedResources.ReplicaSets).CreateAsync(rs, cancellationToken);
            context.Journal.Write($"{Who}: created replicaset {rs.Metadata.Namespace}/{rs.Metadata.Name} (revision {revision}, {rs.Spec.Replicas} replicas)");
        }
        catch (KubeSync.Kubernetes.Rest.KubeAlreadyExistsException)
        {
            // Made by an earlier pass whose list this one did not see yet.
        }
    }

    private async Task RecreateAsync(ClusterSnapshot snapshot, ReplicaSet current, List<ReplicaSet> old, int desired, CancellationToken cancellationToken)
    {
        foreach (var rs in old)
        {
            await context.ScaleAsync(rs, 0, "Recreate: old pods go first", cancellationToken);
        }

        // Recreate waits until every old pod is gone, terminating ones included.
        if (old.All(rs => !snapshot.PodsOwnedBy(rs).Any()))
        {
            await context.ScaleAsync(current, desired, "Recreate", cancellationToken);
        }
    }

    private async Task RollAsync(Deployment deployment, ReplicaSet current, List<ReplicaSet> old, int desired, Func<ReplicaSet, int> ready, CancellationToken cancellationToken)
    {
        var rolling = deployment.Spec?.AdditionalProperties;
        var maxSurge = PodTemplates.IntOrPercent(PodTemplates.Extra(rolling, "strategy", "rollingUpdate", "maxSurge"), desired, 25, roundUp: true);
        var maxUnavailable = PodTemplates.IntOrPercent(PodTemplates.Extra(rolling, "strategy", "rollingUpdate", "maxUnavailable"), desired, 25, roundUp: false);
        if (maxSurge == 0 && maxUnavailable == 0)
        {
            maxUnavailable = 1;
        }

        var currentReplicas = current.Spec?.Replicas ?? 0;
        if (old.Count == 0 || currentReplicas > desired)
        {
            await context.ScaleAsync(current, desired, "scale", cancellationToken);
            return;
        }

        var total = currentReplicas + old.Sum(rs => rs.Spec?.Replicas ?? 0);
        var room = desired + maxSurge - total;
        if (currentReplicas < desired && room > 0)
        {
            await context.ScaleAsync(current, Math.Min(desired, currentReplicas + room), "rolling update: surge", cancellationToken);
        }

        // Old pods go as far as the availability budget allows; old pods that are not ready cost nothing to remove.
        var budget = ready(current) + old.Sum(ready) - (desired - maxUnavailable);
        foreach (var rs in old.OrderBy(rs => rs.Metadata.CreationTimestamp))
        {
            var replicas = rs.Spec?.Replicas ?? 0;
            var unready = Math.Max(0, replicas - ready(rs));
            var cut = Math.Min(replicas, unready + Math.Max(0, budget));
            budget -= Math.Max(0, cut - unready);
            if (cut > 0)
            {
                await context.ScaleAsync(rs, replicas - cut, "rolling update: old pods", cancellationToken);
            }
        }
    }

    private async Task WriteStatusAsync(ClusterSnapshot snapshot, Deployment deployment, ReplicaSet current, List<ReplicaSet> owned, int desired, CancellationToken cancellationToken)
    {
        var pods = owned.SelectMany(snapshot.PodsOwnedBy).Where(PodFacts.IsActive).ToList();
        var updated = snapshot.PodsOwnedBy(current).Count(PodFacts.IsActive);
        var ready = pods.Count(PodFacts.IsReady);
        var status = new JsonObject
        {
            ["observedGeneration"] = deployment.Metadata.Generation ?? 1,
            ["replicas"] = pods.Count,
            ["updatedReplicas"] = updated,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["unavailableReplicas"] = Math.Max(0, desired - ready),
            ["conditions"] = new JsonArray(
                Condition("Available", ready >= desired ? "True" : "False", ready >= desired ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable"),
                Condition("Progressing", "True", updated == desired && pods.Count == desired ? "NewReplicaSetAvailable" : "ReplicaSetUpdated")),
        };
        if (ready == 0)
        {
            status.Remove("readyReplicas");
            status.Remove("availableReplicas");
        }

        await context.WriteStatusAsync(KubeResources.Deployments, deployment, deployment.Status, status, cancellationToken);
    }

    private static JsonObject Condition(string type, string status, string reason) =>
        new() { ["type"] = type, ["status"] = status, ["reason"] = reason };
}
