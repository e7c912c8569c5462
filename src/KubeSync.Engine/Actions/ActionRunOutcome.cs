namespace KubeSync.Engine.Actions;

/// <summary>How a run ended; the label of <c>kubesync_action_runs_total{outcome}</c>.</summary>
public enum ActionRunOutcome
{
    Succeeded,

    /// <summary>It ran and failed (non-zero exit, an HTTP error), or could not be started.</summary>
    Failed,

    /// <summary>The action's timeout passed first.</summary>
    TimedOut,
}
