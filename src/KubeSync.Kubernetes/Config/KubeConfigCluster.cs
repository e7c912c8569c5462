using YamlDotNet.Serialization;

namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigCluster
{
    [YamlMember(Alias = "server")]
    public string? Server { get; set; }

    [YamlMember(Alias = "certificate-authority")]
    public string? CertificateAuthority { get; set; }

    [YamlMember(Alias = "certificate-authority-data")]
    public string? CertificateAuthorityData { get; set; }

    [YamlMember(Alias = "insecure-skip-tls-verify")]
    public bool InsecureSkipTlsVerify { get; set; }

    [YamlMember(Alias = "tls-server-name")]
    public string? TlsServerName { get; set; }

    /// <summary>The directory of the file this entry came from: relative paths are relative to it.</summary>
    [YamlIgnore]
    public string BaseDirectory { get; set; } = "";
}
