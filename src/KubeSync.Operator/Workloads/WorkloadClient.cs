using System.Text.Json;
using System.Text.Json.Nodes;

using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;

namespace KubeSync.Operator.Workloads;

/// <summary>Reads Deployments, StatefulSets and DaemonSets alike, and server-side applies the operator's pieces of them.</summary>
public sealed class WorkloadClient(KubeApiClient api)
{
    public const string FieldManager = SyncGroupLabels.ManagedByValue;

    public static IReadOnlyList<WorkloadKind> Kinds { get; } = [WorkloadKind.Deployment, WorkloadKind.StatefulSet, WorkloadKind.DaemonSet];

    public async Task<Workload?> FindAsync(WorkloadKind kind, string ns, string name, CancellationToken cancellationToken) => kind switch
    {
        WorkloadKind.Deployment => From(kind, await api.Resource(KubeResources.Deployments).FindAsync(ns, name, cancellationToken), d => d?.Spec),
        WorkloadKind.StatefulSet => From(kind, await api.Resource(KubeResources.StatefulSets).FindAsync(ns, name, cancellationToken), s => s?.Spec),
        WorkloadKind.DaemonSet => From(kind, await api.Resource(KubeResources.DaemonSets).FindAsync(ns, name, cancellationToken), d => d?.Spec),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <summary>Every workload of the three kinds in <paramref name="ns"/> whose labels include <paramref name="labels"/>.</summary>
    public async Task<IReadOnlyList<Workload>> ListAsync(string ns, IReadOnlyDictionary<string, string> labels, CancellationToken cancellationToken)
    {
        var options = new ListOptions { LabelSelector = labels.Count == 0 ? null : string.Join(',', labels.Select(l => $"{l.Key}={l.Value}")) };
        var result = new List<Workload>();
        result.AddRange((await api.Resource(KubeResources.Deployments).ListAllAsync(ns, options, cancellationToken)).Items.Select(d => From(WorkloadKind.Deployment, d, x => x?.Spec)!));
        result.AddRange((await api.Resource(KubeResources.StatefulSets).ListAllAsync(ns, options, cancellationToken)).Items.Select(s => From(WorkloadKind.StatefulSet, s, x => x?.Spec)!));
        result.AddRange((await api.Resource(KubeResources.DaemonSets).ListAllAsync(ns, options, cancellationToken)).Items.Select(d => From(WorkloadKind.DaemonSet, d, x => x?.Spec)!));
        return result;
    }

    /// <summary>Applies <paramref name="body"/> (the operator's pieces only) as field manager <c>kubesync-operator</c>.</summary>
    public Task ApplyAsync(WorkloadKind kind, JsonObject body, CancellationToken cancellationToken)
    {
        var obj = body.Deserialize(KubeJsonContext.Default.KubeObject)!;
        return api.Resource(KubeResources.Generic(ResourceKindOf(kind))).ApplyAsync(obj, new ApplyOptions(FieldManager), cancellationToken);
    }

    public static ResourceKind ResourceKindOf(WorkloadKind kind) => kind switch
    {
        WorkloadKind.Deployment => ResourceKind.Deployments,
        WorkloadKind.StatefulSet => ResourceKind.StatefulSets,
        WorkloadKind.DaemonSet => ResourceKind.DaemonSets,
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static Workload? From<T>(WorkloadKind kind, T? obj, Func<T?, WorkloadSpec?> spec)
        where T : KubeObject
    {
        if (obj is null)
        {
            return null;
        }

        var workloadSpec = spec(obj);
        var claims = workloadSpec?.AdditionalProperties?.GetValueOrDefault("volumeClaimTemplates") is { ValueKind: JsonValueKind.Array } templates
            ? templates.EnumerateArray().Select(t => t.TryGetProperty("metadata", out var m) && m.TryGetProperty("name", out var n) ? n.GetString() : null).OfType<string>().ToList()
            : [];
        return new Workload(kind, obj, workloadSpec?.Template ?? new PodTemplateSpec(), claims);
    }
}
