using YamlDotNet.Serialization;

namespace KubeSync.Kubernetes.Config;

internal sealed class KubeConfigUser
{
    [YamlMember(Alias = "client-certificate")]
    public string? ClientCertificate { get; set; }

    [YamlMember(Alias = "client-certificate-data")]
    public string? ClientCertificateData { get; set; }

    [YamlMember(Alias = "client-key")]
    public string? ClientKey { get; set; }

    [YamlMember(Alias = "client-key-data")]
    public string? ClientKeyData { get; set; }

    [YamlMember(Alias = "token")]
    public string? Token { get; set; }

    [YamlMember(Alias = "tokenFile")]
    public string? TokenFile { get; set; }

    /// <summary>Only detected, to say clearly that credential plugins are not supported.</summary>
    [YamlMember(Alias = "exec")]
    public Dictionary<string, object>? Exec { get; set; }

    [YamlIgnore]
    public string BaseDirectory { get; set; } = "";
}
