using KubeSync.Contracts.Schema;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>
/// <c>actions[].podExec</c>: a command run in another container of the same pod through the Kubernetes exec API. The
/// operator grants the pod <c>get</c> and <c>create</c> on <c>pods/exec</c> in its namespace for it.
/// </summary>
public sealed class PodExecAction
{
    /// <summary>The container to run the command in; it must exist in the pod template.</summary>
    [SchemaLength(1, 63)]
    public required string Container { get; set; }

    /// <summary>argv of the command; an argument that is exactly <c>%%</c> becomes the changed paths.</summary>
    [SchemaLength(1, 64)]
    public required IReadOnlyList<string> Command { get; set; }
}
