using KubeSync.Contracts.SyncGroups;
using KubeSync.Testing;

namespace KubeSync.Operator.Tests.Reconciling;

/// <summary>Status from the members' served /status documents, conditions, and the status write's 409 retry.</summary>
public sealed class StatusTests
{
    private static readonly DateTimeOffset Seen = new(2026, 3, 1, 12, 0, 5, TimeSpan.Zero);

    [Fact]
    public async Task Status_ReadsEachMembersStatusDocument()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        await cluster.AddPodAsync("web-conf", "web-a");
        await cluster.AddPodAsync("web-conf", "web-b");
        await cluster.AddPodAsync("web-conf", "web-c");
        cluster.Members.Set("web-a", "web-conf", ready: true, dirty: 0, conflicts: 0, Seen);
        cluster.Members.Set("web-b", "web-conf", ready: true, dirty: 4, conflicts: 1, Seen.AddSeconds(-30));
        // web-c serves nothing: its status is unavailable.

        var result = await cluster.ReconcileAsync("web-conf");

        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        Assert.Equal((3, 2, 4L, 1L), (status.MemberCount, status.ReadyMembers, status.Dirty, status.Conflicts));
        Assert.Equal(["web-a", "web-b", "web-c"], status.Members.Select(m => m.Pod));
        Assert.Equal(Seen, status.Members[0].LastSync);
        Assert.Contains("404", status.Members[2].Message, StringComparison.Ordinal);
        Assert.Equal(("False", "MembersNotReady"), Condition(status, SyncGroupConditionTypes.Ready));
        Assert.Equal(("Unknown", "StatusUnavailable"), Condition(status, SyncGroupConditionTypes.Synced));
        Assert.Equal(("True", "ConflictsFound"), Condition(status, SyncGroupConditionTypes.Conflicts));
        Assert.Equal(TimeSpan.FromSeconds(5), result.RequeueAfter);

        cluster.Members.Set("web-b", "web-conf", ready: true, dirty: 0, conflicts: 0, Seen);
        cluster.Members.Set("web-c", "web-conf", ready: true, dirty: 0, conflicts: 0, Seen);
        result = await cluster.ReconcileAsync("web-conf");
        status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        Assert.Equal(("True", "AllMembersReady"), Condition(status, SyncGroupConditionTypes.Ready));
        Assert.Equal(("True", "NothingOwed"), Condition(status, SyncGroupConditionTypes.Synced));
        Assert.Equal(("False", "NoConflicts"), Condition(status, SyncGroupConditionTypes.Conflicts));
        Assert.Equal(TimeSpan.FromSeconds(30), result.RequeueAfter);
    }

    [Fact]
    public async Task StatusWrite_Conflict_IsRetriedWithTheFreshObject()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        cluster.Injector.Arm(HttpMethod.Put, "/syncgroups/web-conf/status", count: 2);

        await cluster.ReconcileAsync("web-conf");

        Assert.Equal(2, cluster.Injector.Injected);
        Assert.Equal(2, cluster.Reconciler.ConflictRetries);
        var status = (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None).WithTimeout("group")).Status!;
        Assert.Equal(1, status.ObservedGeneration);
    }

    [Fact]
    public async Task FinalizerWrite_Conflict_IsRetried()
    {
        await using var cluster = await OperatorCluster.StartAsync();
        await cluster.CreateExampleAsync("examples/nginx/syncgroup.yaml");
        cluster.Injector.Arm(HttpMethod.Put, "/syncgroups/web-conf", count: 1);

        await cluster.ReconcileAsync("web-conf");

        Assert.Equal(1, cluster.Injector.Injected);
        Assert.Contains(SyncGroupLabels.Finalizer, (await cluster.Groups.GetAsync(OperatorCluster.Namespace, "web-conf", CancellationToken.None)).Metadata.Finalizers!);
    }

    private static (string, string) Condition(SyncGroupStatus status, string type)
    {
        var condition = status.Conditions.Single(c => c.Type == type);
        return (condition.Status, condition.Reason);
    }
}
