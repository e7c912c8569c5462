namespace KubeSync.Operator.Reconciling;

/// <summary>Counts of finished reconciles, for /metrics.</summary>
public sealed class ReconcileCounters
{
    private long _succeeded;
    private long _failed;

    public long SucceededCount => Interlocked.Read(ref _succeeded);

    public long FailedCount => Interlocked.Read(ref _failed);

    public void Succeeded() => Interlocked.Increment(ref _succeeded);

    public void Failed() => Interlocked.Increment(ref _failed);
}
