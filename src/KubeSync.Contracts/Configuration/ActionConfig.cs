namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].actions[]</c>: what to run after matching files land. Exactly one runner key is set.</summary>
public sealed class ActionConfig
{
    /// <summary><c>name</c>: unique within the group.</summary>
    public required string Name { get; init; }

    /// <summary><c>patterns</c>: which changed paths trigger the action.</summary>
    public IReadOnlyList<string> Patterns { get; init; } = ["*"];

    /// <summary><c>exec</c>: argv of a command in the sidecar; <c>%%</c> expands to the changed paths.</summary>
    public IReadOnlyList<string>? Exec { get; init; }

    /// <summary><c>signal</c>: a signal to a process of the app container.</summary>
    public SignalActionConfig? Signal { get; init; }

    /// <summary><c>podExec</c>: a command in another container of the pod, through the Kubernetes exec API.</summary>
    public PodExecActionConfig? PodExec { get; init; }

    /// <summary><c>http</c>: a request to the app.</summary>
    public HttpActionConfig? Http { get; init; }

    /// <summary><c>timeout</c>.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary><c>delay</c>: quiet time after a batch before the action runs.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary><c>doLocal</c>: also run for changes made on this member.</summary>
    public bool DoLocal { get; init; }

    /// <summary><c>doLocalOnly</c>: run only for changes made on this member.</summary>
    public bool DoLocalOnly { get; init; }

    /// <summary><c>logfile</c>: where the action's output is appended, or null.</summary>
    public string? LogFile { get; init; }
}
