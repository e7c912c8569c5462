namespace KubeSync.Engine.Actions;

/// <summary>One action's state for <c>kubesync status</c> and <c>/metrics</c>, from <see cref="ActionScheduler.Snapshot"/>.</summary>
/// <param name="PendingPaths">Paths waiting for the next run (including a batch waiting to be retried).</param>
/// <param name="Attempts">Failed attempts of the batch waiting to be retried; 0 when the last run succeeded.</param>
/// <param name="Runs">Finished runs by outcome: <c>kubesync_action_runs_total{action,outcome}</c>.</param>
/// <param name="GaveUp">Batches dropped after the last attempt failed.</param>
public sealed record ActionStatus(
    string Name,
    int PendingPaths,
    bool Running,
    int Attempts,
    DateTimeOffset? LastRun,
    ActionRunOutcome? LastOutcome,
    TimeSpan? LastDuration,
    string? LastMessage,
    IReadOnlyDictionary<ActionRunOutcome, long> Runs,
    long GaveUp);
