using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>spec.actions[]</c>: what runs after a batch of matching files has landed (see docs/configuration.md, Actions).
/// Exactly one runner: <c>exec</c>, <c>signal</c>, <c>podExec</c> or <c>http</c>.
/// </summary>
[SchemaRule(
    "(has(self.exec) ? 1 : 0) + (has(self.signal) ? 1 : 0) + (has(self.podExec) ? 1 : 0) + (has(self.http) ? 1 : 0) == 1",
    "set exactly one runner: exec, signal, podExec or http")]
public sealed class SyncGroupAction
{
    /// <summary>Unique within the SyncGroup: lowercase letters, digits and '-'.</summary>
    [SchemaPattern("^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")]
    public required string Name { get; set; }

    /// <summary>Which changed paths trigger the action (the syntax of include/exclude).</summary>
    [SchemaLength(1, 64)]
    public IReadOnlyList<string> Patterns { get; set; } = ["*"];

    /// <summary>argv of a command run in the sidecar container, in the synced directory; <c>%%</c> becomes the changed paths.</summary>
    [SchemaLength(1, 64)]
    public IReadOnlyList<string>? Exec { get; set; }

    /// <summary>A signal to a process of the app container.</summary>
    public SignalAction? Signal { get; set; }

    /// <summary>A command in another container of the pod, through the Kubernetes exec API.</summary>
    public PodExecAction? PodExec { get; set; }

    /// <summary>An HTTP request to the app.</summary>
    public HttpAction? Http { get; set; }

    /// <summary>How long a run may take (100ms to 1h).</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string Timeout { get; set; } = "30s";

    /// <summary>Quiet time after a batch before the action runs.</summary>
    [SchemaPattern(SchemaPatterns.Duration)]
    public string Delay { get; set; } = "500ms";

    /// <summary>Also run for changes made on this member, not only for those received from peers.</summary>
    public bool DoLocal { get; set; }

    /// <summary>Run only for changes made on this member.</summary>
    public bool DoLocalOnly { get; set; }
}
