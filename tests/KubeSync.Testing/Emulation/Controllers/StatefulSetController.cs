using System.Globalization;
using System.Text.Json.Nodes;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation.Controllers;

/// <summary>
/// The StatefulSet controller: pods <c>NAME-0..N-1</c> with <c>hostname</c> and <c>subdomain</c> (<c>serviceName</c>),
/// labels <c>controller-revision-hash</c>, <c>statefulset.kubernetes.io/pod-name</c> and <c>apps.kubernetes.io/pod-index</c>,
/// a persistent volume claim per <c>volumeClaimTemplates</c> entry (<c>TEMPLATE-NAME-i</c>, kept when the pod goes).
/// <c>OrderedReady</c> (default): one pod at a time, each waiting for the ones before it to be Running and Ready,
/// scale-down from the highest ordinal; <c>Parallel</c>: all at once. <c>RollingUpdate</c> (default) replaces pods of an
/// old revision from the highest ordinal, one at a time, when all are ready; <c>OnDelete</c> waits for deletions.
/// </summary>
internal sealed class StatefulSetController(ControllerContext context)
{
    private const string Who = "statefulset controller";
    private const string RevisionLabel = "controller-revision-hash";

    public async Task ReconcileAsync(ClusterSnapshot snapshot, CancellationToken cancellationToken)
    {
        foreach (var sts in snapshot.StatefulSets.Where(s => !PodFacts.IsTerminating(s)))
        {
            await ReconcileAsync(snapshot, sts, cancellationToken);
        }
    }

    private async Task ReconcileAsync(ClusterSnapshot snapshot, StatefulSet sts, CancellationToken cancellationToken)
    {
        var name = sts.Metadata.Name!;
        var revision = $"{name}-{PodTemplates.Hash(sts.Spec?.Template)}";
        var desired = sts.Spec?.Replicas ?? 1;
        var parallel = PodTemplates.Extra(sts.Spec?.AdditionalProperties, "podManagementPolicy")?.GetString() == "Parallel";
        var pods = snapshot.PodsOwnedBy(sts).Select(p => (Pod: p, Ordinal: Ordinal(name, p))).Where(x => x.Ordinal >= 0).ToDictionary(x => x.Ordinal, x => x.Pod);
        bool Healthy(int i) => pods.TryGetValue(i, out var p) && !PodFacts.IsTerminating(p) && PodFacts.IsRunningAndReady(p);

        for (var i = 0; i < desired; i++)
        {
            if (!pods.ContainsKey(i))
            {
                await context.CreatePodAsync(NewPod(sts, i, revision), Who, cancellationToken);
                if (!parallel)
                {
                    break;
                }
            }
            else if (!parallel && !Healthy(i))
            {
                break;
            }
        }

        var surplus = pods.Keys.Where(i => i >= desired).OrderDescending().ToList();
        foreach (var i in parallel ? surplus : surplus.Take(1))
        {
            // OrderedReady scales down one pod at a time, and only while the others are healthy.
            if (!PodFacts.IsTerminating(pods[i]) && (parallel || Enumerable.Range(0, desired).All(Healthy)))
            {
                await context.DeletePodAsync(pods[i], Who, $"statefulset {name} scaled to {desired}", cancellationToken);
            }
        }

        var onDelete = PodTemplates.Extra(sts.Spec?.AdditionalProperties, "updateStrategy", "type")?.GetString() == "OnDelete";
        if (!onDelete && surplus.Count == 0 && Enumerable.Range(0, desired).All(Healthy))
        {
            var stale = Enumerable.Range(0, desired).Reverse().FirstOrDefault(i => PodFacts.Label(pods[i], RevisionLabel) != revision, -1);
            if (stale >= 0)
            {
                await context.DeletePodAsync(pods[stale], Who, $"rolling update to {revision}", cancellationToken);
            }
        }

        await WriteStatusAsync(sts, pods.Values.ToList(), revision, cancellationToken);
    }

    private async Task WriteStatusAsync(StatefulSet sts, List<Pod> pods, string revision, CancellationToken cancellationToken)
    {
        var active = pods.Where(PodFacts.IsActive).ToList();
        var updated = active.Count(p => PodFacts.Label(p, RevisionLabel) == revision);
        var currentRevision = updated == active.Count ? revision : active.Select(p => PodFacts.Label(p, RevisionLabel)).FirstOrDefault(r => r != revision) ?? revision;
        var ready = active.Count(PodFacts.IsReady);
        var status = new JsonObject
        {
            ["observedGeneration"] = sts.Metadata.Generation ?? 1,
            ["replicas"] = active.Count,
            ["readyReplicas"] = ready,
            ["availableReplicas"] = ready,
            ["currentReplicas"] = active.Count(p => PodFacts.Label(p, RevisionLabel) == currentRevision),
            ["updatedReplicas"] = updated,
            ["currentRevision"] = currentRevision,
            ["updateRevision"] = revision,
        };
        await context.WriteStatusAsync(KubeResources.StatefulSets, sts, sts.Status, status, cancellationToken);
    }

    private static Pod NewPod(StatefulSet sts, int ordinal, string revision)
    {
        var name = $"{sts.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}";
        var template = PodTemplates.WithLabels(sts.Spec?.Template, new Dictionary<string, string>
        {
            [RevisionLabel] = revision,
            ["statefulset.kubernetes.io/pod-name"] = name,
            ["apps.kubernetes.io/pod-index"] = ordinal.ToString(CultureInfo.InvariantCulture),
        });
        var serviceName = PodTemplates.Extra(sts.Spec?.AdditionalProperties, "serviceName")?.GetString();
        var claims = PodTemplates.Extra(sts.Spec?.AdditionalProperties, "volumeClaimTemplates");
        return PodTemplates.NewPod(template, sts.Metadata.Namespace!, name, Owners.ControllerReference(sts, ResourceKind.StatefulSets), spec =>
        {
            spec["hostname"] = name;
            if (!string.IsNullOrEmpty(serviceName))
            {
                spec["subdomain"] = serviceName;
            }

            var volumes = spec["volumes"] as JsonArray;
            foreach (var claim in claims?.EnumerateArray() ?? [])
            {
                var claimName = claim.GetProperty("metadata").GetProperty("name").GetString();
                if (volumes is null)
                {
                    volumes = [];
                    spec["volumes"] = volumes;
                }

                volumes.Add(new JsonObject
                {
                    ["name"] = claimName,
                    ["persistentVolumeClaim"] = new JsonObject { ["claimName"] = $"{claimName}-{name}" },
                });
            }
        });
    }

    private static int Ordinal(string set, Pod pod)
    {
        var podName = pod.Metadata.Name ?? "";
        return podName.StartsWith(set + "-", StringComparison.Ordinal)
            && int.TryParse(podName.AsSpan(set.Length + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ordinal) ? ordinal : -1;
    }
}
