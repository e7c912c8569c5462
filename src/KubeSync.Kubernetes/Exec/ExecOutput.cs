namespace KubeSync.Kubernetes.Exec;

/// <summary>The captured stdout and stderr of one exec, each capped.</summary>
internal sealed class ExecOutput
{
    public ExecOutput(int limit)
    {
        Stdout = new CappedBuffer(limit);
        Stderr = new CappedBuffer(limit);
    }

    public CappedBuffer Stdout { get; }

    public CappedBuffer Stderr { get; }

    public ExecResult Result(ExecOutcome outcome, int? exitCode, string? message) =>
        new(outcome, exitCode, Stdout.Text, Stderr.Text)
        {
            OutputTruncated = Stdout.Truncated || Stderr.Truncated,
            Message = message,
        };
}
