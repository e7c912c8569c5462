namespace KubeSync.Kubernetes.Exec;

/// <summary>A command to run in a container of a pod.</summary>
public sealed record ExecRequest(string Pod, IReadOnlyList<string> Command)
{
    /// <summary>Null: the client's default namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>Null: the pod's only (or default) container.</summary>
    public string? Container { get; init; }

    /// <summary>Hard limit from connect to exit status.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes kept of stdout and of stderr each; the rest is dropped and flagged.</summary>
    public int OutputLimit { get; init; } = 64 * 1024;
}
