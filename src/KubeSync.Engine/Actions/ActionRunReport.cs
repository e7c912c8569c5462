using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Actions;

/// <summary>One finished run, raised by <see cref="ActionScheduler.RunCompleted"/> (for metrics and events).</summary>
/// <param name="Attempt">1 for the first run of a batch, then one more per retry.</param>
/// <param name="GaveUp">The run failed and it was the last attempt: the batch was dropped.</param>
public sealed record ActionRunReport(
    string Group,
    string Action,
    IReadOnlyList<SyncPath> Paths,
    int Attempt,
    ActionRunResult Result,
    bool GaveUp,
    DateTimeOffset Finished);
