namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigUser
{
    public string? ClientCertificate { get; set; }

    public string? ClientCertificateData { get; set; }

    public string? ClientKey { get; set; }

    public string? ClientKeyData { get; set; }

    public string? Token { get; set; }

    public string? TokenFile { get; set; }

    /// <summary>Only detected, to say clearly that credential plugins are not supported.</summary>
    public bool UsesExec { get; set; }

    public string BaseDirectory { get; set; } = "";
}
