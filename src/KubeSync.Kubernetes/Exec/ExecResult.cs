namespace KubeSync.Kubernetes.Exec;

/// <summary>How an exec ended, with what it printed (capped).</summary>
public sealed record ExecResult(ExecOutcome Outcome, int? ExitCode, string Stdout, string Stderr)
{
    public bool OutputTruncated { get; init; }

    /// <summary>The negotiated subprotocol, when the connection was made.</summary>
    public string? Protocol { get; init; }

    /// <summary>Why it failed or timed out, for the log and the action outcome.</summary>
    public string? Message { get; init; }

    public bool Succeeded => Outcome == ExecOutcome.Exited && ExitCode == 0;
}
