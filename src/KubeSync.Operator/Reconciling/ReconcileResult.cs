namespace KubeSync.Operator.Reconciling;

/// <summary>When to look at a SyncGroup again (null: only when something changes).</summary>
public sealed record ReconcileResult(TimeSpan? RequeueAfter)
{
    public static ReconcileResult Done { get; } = new((TimeSpan?)null);
}
