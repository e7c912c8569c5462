namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigCluster
{
    public string? Server { get; set; }

    public string? CertificateAuthority { get; set; }

    public string? CertificateAuthorityData { get; set; }

    public bool InsecureSkipTlsVerify { get; set; }

    public string? TlsServerName { get; set; }

    /// <summary>The directory of the file this entry came from: relative paths are relative to it.</summary>
    public string BaseDirectory { get; set; } = "";
}
