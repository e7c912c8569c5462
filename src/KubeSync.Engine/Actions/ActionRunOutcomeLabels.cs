namespace KubeSync.Engine.Actions;

/// <summary>The text of an <see cref="ActionRunOutcome"/> in metrics labels and <c>/status</c>.</summary>
public static class ActionRunOutcomeLabels
{
    /// <summary><c>succeeded</c>, <c>failed</c> or <c>timed_out</c>: the label of <c>kubesync_action_runs_total{outcome}</c>.</summary>
    public static string ToLabel(this ActionRunOutcome outcome) => outcome switch
    {
        ActionRunOutcome.Succeeded => "succeeded",
        ActionRunOutcome.TimedOut => "timed_out",
        _ => "failed",
    };
}
