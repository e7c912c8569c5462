namespace KubeSync.Kubernetes.Resources;

/// <summary>A Secret; <see cref="Data"/> values travel base64-encoded, which <see cref="byte"/> arrays do by themselves.</summary>
public sealed class Secret : KubeObject
{
    public string? Type { get; set; }

    public Dictionary<string, byte[]>? Data { get; set; }

    public Dictionary<string, string>? StringData { get; set; }

    public bool? Immutable { get; set; }
}
