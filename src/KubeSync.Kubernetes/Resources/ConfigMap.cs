namespace KubeSync.Kubernetes.Resources;

public sealed class ConfigMap : KubeObject
{
    public Dictionary<string, string>? Data { get; set; }

    public Dictionary<string, byte[]>? BinaryData { get; set; }

    public bool? Immutable { get; set; }
}
