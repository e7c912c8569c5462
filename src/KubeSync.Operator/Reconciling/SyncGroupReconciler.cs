using KubeSync.Contracts.SyncGroups;
using KubeSync.Kubernetes.Events;
using KubeSync.Kubernetes.Rest;
using KubeSync.Operator.Members;
using KubeSync.Operator.Validation;
using KubeSync.Operator.Workloads;

using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Reconciling;

/// <summary>
/// Brings one SyncGroup's world in line with its spec: the finalizer, the owned objects (Secret, ConfigMap, peer Service,
/// podExec RBAC), the sidecar in each member workload's pod template (server-side apply of our pieces only), and status.
/// A spec that cannot be carried out ends as the Degraded condition, never as an exception; an exception means
/// something failed that a retry may fix (the caller backs off).
/// </summary>
public sealed partial class SyncGroupReconciler
{
    private readonly KubeApiClient _api;
    private readonly ResourceClient<SyncGroup> _groups;
    private readonly WorkloadClient _workloads;
    private readonly IMemberStatusReader _members;
    private readonly EventRecorder? _events;
    private readonly ReconcilerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private ServerVersion? _version;

    public SyncGroupReconciler(
        KubeApiClient api, IMemberStatusReader members, EventRecorder? events, ReconcilerOptions options, TimeProvider timeProvider, ILogger<SyncGroupReconciler> logger)
    {
        ArgumentNullException.ThrowIfNull(api);
        _api = api;
        _groups = api.Resource(SyncGroupResources.SyncGroups);
        _workloads = new WorkloadClient(api);
        _members = members;
        _events = events;
        _options = options;
        _time = timeProvider;
        _logger = logger;
    }

    /// <summary>Conflicts (409) met and retried; for tests and metrics.</summary>
    public long ConflictRetries => Interlocked.Read(ref _conflicts);

    private long _conflicts;

    public async Task<ReconcileResult> ReconcileAsync(string ns, string name, CancellationToken cancellationToken)
    {
        var group = await _groups.FindAsync(ns, name, cancellationToken).ConfigureAwait(false);
        if (group is null)
        {
            return ReconcileResult.Done;
        }

        if (group.Metadata.DeletionTimestamp is not null)
        {
            await FinalizeAsync(group, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        group = await EnsureFinalizerAsync(group, cancellationToken).ConfigureAwait(false);
        var previous = group.Status ?? new SyncGroupStatus();
        List<Workload> applied = [];
        GroupObservation observation;
        DateTimeOffset? certificateNotAfter = previous.CertificateNotAfter;
        try
        {
            var problems = SyncGroupSpecValidator.ValidateSpec(group);
            if (problems.Count > 0)
            {
                throw new DegradedException("InvalidSpec", string.Join("; ", problems));
            }

            var workloads = await ResolveWorkloadsAsync(group, cancellationToken).ConfigureAwait(false);
            var native = await NativeSidecarsAsync(group.Spec!, cancellationToken).ConfigureAwait(false);
            var owned = await ApplyOwnedAsync(group, workloads, cancellationToken).ConfigureAwait(false);
            certificateNotAfter = owned.CertificateNotAfter;
            foreach (var workload in workloads)
            {
                await ApplySidecarAsync(group, workload, native, owned, cancellationToken).ConfigureAwait(false);
                applied.Add(workload);
            }

            await RemoveFromUnselectedAsync(group, previous.Workloads, workloads, cancellationToken).ConfigureAwait(false);
            var warnings = workloads.SelectMany(w => SyncGroupSpecValidator.SignalWarnings(group, w)).ToList();
            observation = new GroupObservation(await ReadMembersAsync(group, cancellationToken).ConfigureAwait(false), null, null, warnings);
        }
        catch (DegradedException degraded)
        {
            OperatorLog.Degraded(_logger, ns, name, degraded.Reason, degraded.Message);
            var members = applied.Count > 0 || previous.Workloads.Count > 0 ? await ReadMembersAsync(group, cancellationToken).ConfigureAwait(false) : [];
            observation = new GroupObservation(members, degraded.Reason, degraded.Message);
            await WriteStatusAsync(group, observation, previous.Workloads, certificateNotAfter, cancellationToken).ConfigureAwait(false);
            return ReconcileResult.Done;
        }

        var status = await WriteStatusAsync(group, observation, [.. applied.Select(w => w.Display)], certificateNotAfter, cancellationToken).ConfigureAwait(false);
        var settled = status.Conditions.All(c => c.Type is SyncGroupConditionTypes.Degraded or SyncGroupConditionTypes.Conflicts or SyncGroupConditionTypes.ActionsPermitted
            || c.Status == "True");
        return new ReconcileResult(settled ? _options.StatusInterval : _options.SettlingInterval);
    }

    private async Task<List<Workload>> ResolveWorkloadsAsync(SyncGroup group, CancellationToken cancellationToken)
    {
        var spec = group.Spec!;
        var ns = group.Metadata.Namespace!;
        List<Workload> workloads;
        if (spec.WorkloadRef is { } reference)
        {
            var workload = await _workloads.FindAsync(reference.Kind, ns, reference.Name, cancellationToken).ConfigureAwait(false)
                ?? throw new DegradedException("WorkloadNotFound", $"{reference.Kind}/{reference.Name} does not exist in namespace {ns}; create it or fix spec.workloadRef");
            workloads = [workload];
        }
        else
        {
            workloads = [.. await _workloads.ListAsync(ns, spec.Selector!.MatchLabels, cancellationToken).ConfigureAwait(false)];
            if (workloads.Count == 0)
            {
                var labels = string.Join(",", spec.Selector.MatchLabels.Select(l => $"{l.Key}={l.Value}"));
                throw new DegradedException("WorkloadNotFound", $"no Deployment, StatefulSet or DaemonSet in namespace {ns} has the labels {labels}; label the workloads or fix spec.selector");
            }
        }

        var problems = workloads.SelectMany(w => SyncGroupSpecValidator.ValidateAgainst(group, w)).ToList();
        return problems.Count > 0 ? throw new DegradedException("InvalidWorkload", string.Join("; ", problems)) : workloads;
    }

    private async Task<bool> NativeSidecarsAsync(SyncGroupSpec spec, CancellationToken cancellationToken)
    {
        _version ??= await _api.GetServerVersionAsync(cancellationToken).ConfigureAwait(false);
        var supported = _version.AtLeast(1, 29);
        if (spec.Native == true && !supported)
        {
            throw new DegradedException("NativeSidecarUnsupported", $"spec.native is true but the cluster runs {_version.GitVersion}; native sidecars need Kubernetes 1.29 or later: remove spec.native");
        }

        return spec.Native ?? supported;
    }

    private async Task RecordAsync(SyncGroup group, EventKind kind, string reason, string action, string note, CancellationToken cancellationToken)
    {
        if (_events is not null)
        {
            await _events.RecordAsync(group, kind, reason, action, note, cancellationToken).ConfigureAwait(false);
        }
    }

    private void CountConflict(SyncGroup group)
    {
        Interlocked.Increment(ref _conflicts);
        OperatorLog.Conflict(_logger, group.Metadata.Namespace!, group.Metadata.Name!);
    }
}
