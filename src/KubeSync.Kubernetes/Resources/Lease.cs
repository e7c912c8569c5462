namespace KubeSync.Kubernetes.Resources;

/// <summary><c>coordination.k8s.io/v1</c> Lease.</summary>
public sealed class Lease : KubeObject
{
    public LeaseSpec? Spec { get; set; }
}
