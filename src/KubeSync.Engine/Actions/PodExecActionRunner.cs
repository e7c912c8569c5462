using System.Diagnostics;

using KubeSync.Contracts.Configuration;
using KubeSync.Kubernetes.Exec;

namespace KubeSync.Engine.Actions;

/// <summary>
/// Runs a <c>podExec</c> action: the command in another container of the sidecar's own pod, through the Kubernetes
/// exec API (for example <c>nginx -s reload</c> in the app container, without sharing the process namespace).
/// </summary>
public sealed class PodExecActionRunner : IActionRunner
{
    /// <summary>Most output kept per run (stdout and stderr each).</summary>
    public const int OutputLimit = 16 * 1024;

    private readonly PodExecClient _client;
    private readonly PodIdentity _pod;

    public PodExecActionRunner(PodExecClient client, PodIdentity pod)
    {
        _client = client;
        _pod = pod;
    }

    public bool CanRun(ActionConfig action) => action.PodExec is not null;

    public async Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        var podExec = invocation.Action.PodExec ?? throw new ArgumentException($"action {invocation.Action.Name} is not a podExec action", nameof(invocation));
        var request = new ExecRequest(_pod.Name, ActionArguments.Expand(podExec.Command, invocation.Paths))
        {
            Namespace = _pod.Namespace,
            Container = podExec.Container,
            Timeout = invocation.Action.Timeout,
            OutputLimit = OutputLimit,
        };
        var started = Stopwatch.GetTimestamp();
        var result = await _client.ExecAsync(request, cancellationToken);
        var duration = Stopwatch.GetElapsedTime(started);
        var output = result.Stderr.Length == 0 ? result.Stdout : $"{result.Stdout}{(result.Stdout.EndsWith('\n') || result.Stdout.Length == 0 ? "" : "\n")}{result.Stderr}";
        return result.Outcome switch
        {
            ExecOutcome.Exited when result.ExitCode == 0 => new ActionRunResult(ActionRunOutcome.Succeeded, 0, output, duration, null),
            ExecOutcome.Exited => new ActionRunResult(ActionRunOutcome.Failed, result.ExitCode, output, duration, $"{podExec.Command[0]} in container {podExec.Container} exited with {result.ExitCode}"),
            ExecOutcome.TimedOut => new ActionRunResult(ActionRunOutcome.TimedOut, null, output, duration, $"no exit after {invocation.Action.Timeout.TotalSeconds:0.#} s (container {podExec.Container})"),
            _ => new ActionRunResult(ActionRunOutcome.Failed, null, output, duration, result.Message ?? "the exec did not run"),
        };
    }
}
