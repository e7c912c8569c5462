using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The DaemonSet controller for the one emulated node: one pod (<c>NAME-xxxxx</c>, bound to the node at creation,
/// labelled <c>controller-revision-hash</c>); a template change replaces it (RollingUpdate with maxUnavailable 1:
/// the old pod goes, then the new one comes).
/// </summary>
internal sealed class DaemonSetController(ControllerContext context)
{
    private const string Who = "daemonset controller";
    private const string RevisionLabel = "controller-revision-hash";

    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var ds in snapshot.DaemonSets.Where(d => !PodFacts.IsTerminating(d)))
        {
            var revision = PodTemplates.Hash(ds.Spec?.Template);
            var pods = snapshot.PodsOwnedBy(ds).ToList();
            var active = pods.Where(PodFacts.IsActive).ToList();
            foreach (var stale in active.Where(p => PodFacts.Label(p, RevisionLabel) != revision))
            {
                await context.DeletePodAsync(stale, Who, "rolling update", cancellationToken);
            }

            if (pods.Count == 0)
            {
                var template = PodTemplates.WithLabels(ds.Spec?.Template, new Dictionary<string, string> { [RevisionLabel] = revision });
                var owner = Owners.ControllerReference(ds, ResourceKind.DaemonSets);
                var pod = PodTemplates.NewPod(template, ds.Metadata.Namespace!, $"{ds.Metadata.Name}-{PodTemplates.RandomSuffix()}", owner, spec => spec["nodeName"] = context.Options.NodeName);
                await context.CreatePodAsync(pod, Who, cancellationToken);
            }

            var current = active.Where(p => PodFacts.Label(p, RevisionLabel) == revision).ToList();
            var ready = current.Count(PodFacts.IsReady);
            var status = new JsonObject
            {
                ["desiredNumberScheduled"] = 1,
                ["currentNumberScheduled"] = active.Count,
                ["updatedNumberScheduled"] = current.Count,
                ["numberReady"] = ready,
                ["numberAvailable"] = ready,
                ["numberUnavailable"] = 1 - ready,
                ["numberMisscheduled"] = 0,
                ["observedGeneration"] = ds.Metadata.Generation ?? 1,
            };
            await context.WriteStatusAsync(KubeResources.DaemonSets, ds, ds.Status, status, cancellationToken);
        }
    }
}
