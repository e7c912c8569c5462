using System.Text.Json.Nodes;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The ReplicaSet controller: keeps <c>spec.replicas</c> active pods (<c>RS-NAME-xxxxx</c>, the template's labels,
/// owned by the ReplicaSet). Surplus pods go in Kubernetes' order of preference: unscheduled, then not ready, then
/// the youngest. Status: replicas, fullyLabeledReplicas, readyReplicas, availableReplicas, observedGeneration.
/// </summary>
internal sealed class ReplicaSetController(ControllerContext context)
{
    private const string Who = "replicaset controller";

    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var rs in snapshot.ReplicaSets.Where(r => !PodFacts.IsTerminating(r)))
        {
            var pods = snapshot.PodsOwnedBy(rs).Where(PodFacts.IsActive).ToList();
            var desired = rs.Spec?.Replicas ?? 1;
            for (var i = pods.Count; i < desired; i++)
            {
                var owner = Owners.ControllerReference(rs, EmulatedResources.ReplicaSetKind);
                var pod = PodTemplates.NewPod(PodTemplates.Copy(rs.Spec?.Template), rs.Metadata.Namespace!, $"{rs.Metadata.Name}-{PodTemplates.RandomSuffix()}", owner);
                await context.CreatePodAsync(pod, Who, cancellationToken);
            }

            var surplus = pods
                .OrderBy(p => Scheduler.NodeName(p) is null ? 0 : 1)
                .ThenBy(p => PodFacts.IsReady(p) ? 1 : 0)
                .ThenByDescending(p => p.Metadata.CreationTimestamp)
                .Take(Math.Max(0, pods.Count - desired));
            foreach (var pod in surplus)
            {
                await context.DeletePodAsync(pod, Who, $"replicaset {rs.Metadata.Name} scaled to {desired}", cancellationToken);
            }

            var ready = pods.Count(PodFacts.IsReady);
            var status = new JsonObject
            {
                ["replicas"] = pods.Count,
                ["fullyLabeledReplicas"] = pods.Count,
                ["readyReplicas"] = ready,
                ["availableReplicas"] = ready,
                ["observedGeneration"] = rs.Metadata.Generation ?? 1,
            };
            await context.WriteStatusAsync(EmulatedResources.ReplicaSets, rs, rs.Status, status, cancellationToken);
        }
    }
}
