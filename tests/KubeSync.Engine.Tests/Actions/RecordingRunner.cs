using System.Collections.Concurrent;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;

namespace KubeSync.Engine.Tests.Actions;

/// <summary>A hand-written runner: records each invocation and answers with <see cref="Respond"/> (success by default).</summary>
internal sealed class RecordingRunner : IActionRunner
{
    public ConcurrentQueue<ActionInvocation> Invocations { get; } = new();

    public Func<ActionInvocation, Task<ActionRunResult>> Respond { get; set; } = _ => Task.FromResult(Succeeded);

    public static ActionRunResult Succeeded { get; } = new(ActionRunOutcome.Succeeded, 0, "", TimeSpan.Zero, null);

    public static ActionRunResult Failed { get; } = new(ActionRunOutcome.Failed, 1, "", TimeSpan.Zero, "exited with 1");

    public bool CanRun(ActionConfig action) => true;

    public Task<ActionRunResult> RunAsync(ActionInvocation invocation, CancellationToken cancellationToken)
    {
        Invocations.Enqueue(invocation);
        return Respond(invocation);
    }
}
