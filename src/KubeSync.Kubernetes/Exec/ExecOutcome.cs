namespace KubeSync.Kubernetes.Exec;

public enum ExecOutcome
{
    /// <summary>The command ran to its end; <see cref="ExecResult.ExitCode"/> says how.</summary>
    Exited,

    /// <summary>The hard timeout passed first; the connection was dropped.</summary>
    TimedOut,

    /// <summary>It could not run or its end is unknown (no pod, no container, connection lost, runtime error).</summary>
    Failed,
}
