using KubeSync.Kubernetes.Resources;

namespace KubeSync.Operator.Members;

/// <summary>Reads one member pod's sidecar <c>/status</c> (the seam tests serve their own documents through).</summary>
public interface IMemberStatusReader
{
    /// <summary>The member's state for <paramref name="group"/>; a pod that cannot be asked is a result with a message, not an exception.</summary>
    Task<MemberReading> ReadAsync(Pod pod, int adminPort, string group, CancellationToken cancellationToken);
}
