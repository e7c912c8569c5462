using KubeSync.Contracts.Configuration;

namespace KubeSync.Engine.Actions;

/// <summary>
/// The seam between the action scheduler (batching, delay, coalescing, retries: DESIGN 3.6) and the ways an
/// action runs: <c>exec</c>, <c>signal</c>, <c>http</c> in the sidecar, <c>podExec</c> through the Kubernetes API.
/// A runner reports failures as results; it throws only when cancelled.
/// </summary>
public interface IActionRunner
{
    /// <summary>Whether this runner runs <paramref name="action"/> (by which runner key the action sets).</summary>
    bool CanRun(ActionConfig action);

    Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken);
}
