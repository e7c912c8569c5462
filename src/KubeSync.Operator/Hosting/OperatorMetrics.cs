using KubeSync.Contracts.SyncGroups;
using KubeSync.Engine.Metrics;
using KubeSync.Operator.Reconciling;

namespace KubeSync.Operator.Hosting;

/// <summary>The operator's /metrics (prefix <c>kubesync_operator_</c>), in the Prometheus text format of the sidecar's writer.</summary>
public static class OperatorMetrics
{
    public static string Render(OperatorRunner runner, SyncGroupReconciler reconciler)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(reconciler);
        var controller = runner.Controller;
        var groups = controller.Groups.OrderBy(g => g.Metadata.Namespace).ThenBy(g => g.Metadata.Name).ToList();
        return PrometheusTextWriter.Write(
        [
            Single("kubesync_operator_leader", "1 while this replica holds the leader Lease.", MetricType.Gauge, runner.IsLeader ? 1 : 0),
            new("kubesync_operator_reconciles_total", "Reconciles finished, by outcome.", MetricType.Counter,
            [
                new([new("outcome", "succeeded")], controller.Counters.SucceededCount),
                new([new("outcome", "failed")], controller.Counters.FailedCount),
            ]),
            Single("kubesync_operator_conflict_retries_total", "Writes retried after a 409 Conflict.", MetricType.Counter, reconciler.ConflictRetries),
            Single("kubesync_operator_backlog", "SyncGroups waiting to be reconciled now.", MetricType.Gauge, controller.Backlog.Depth),
            Single("kubesync_operator_watch_age_seconds", "The longest time a watch has gone without news.", MetricType.Gauge, controller.OldestWatch.TotalSeconds),
            PerGroup(groups, "kubesync_operator_syncgroup_ready", "1 when the SyncGroup's Ready condition is True.", s => s.Conditions.Any(c => c.Type == SyncGroupConditionTypes.Ready && c.Status == "True") ? 1 : 0),
            PerGroup(groups, "kubesync_operator_syncgroup_degraded", "1 when the SyncGroup's Degraded condition is True.", s => s.Conditions.Any(c => c.Type == SyncGroupConditionTypes.Degraded && c.Status == "True") ? 1 : 0),
            PerGroup(groups, "kubesync_operator_syncgroup_members", "Member pods of the SyncGroup.", s => s.MemberCount),
            PerGroup(groups, "kubesync_operator_syncgroup_dirty_files", "Files owed between the SyncGroup's members.", s => s.Dirty),
            PerGroup(groups, "kubesync_operator_syncgroup_conflicts", "Unresolved conflicts in the SyncGroup.", s => s.Conflicts),
        ]);
    }

    private static MetricFamily Single(string name, string help, MetricType type, double value) => new(name, help, type, [new([], value)]);

    private static MetricFamily PerGroup(List<SyncGroup> groups, string name, string help, Func<SyncGroupStatus, double> value) =>
        new(name, help, MetricType.Gauge, [.. groups.Where(g => g.Status is not null).Select(g => new MetricPoint(
            [new("namespace", g.Metadata.Namespace!), new("syncgroup", g.Metadata.Name!)], value(g.Status!)))]);
}
