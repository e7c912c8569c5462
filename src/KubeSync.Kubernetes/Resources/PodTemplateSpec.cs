namespace KubeSync.Kubernetes.Resources;

public sealed class PodTemplateSpec
{
    public ObjectMeta? Metadata { get; set; }

    public PodSpec? Spec { get; set; }
}
