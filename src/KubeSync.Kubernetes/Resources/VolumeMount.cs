namespace KubeSync.Kubernetes.Resources;

public sealed class VolumeMount
{
    public string? Name { get; set; }

    public string? MountPath { get; set; }

    public string? SubPath { get; set; }

    public bool? ReadOnly { get; set; }
}
