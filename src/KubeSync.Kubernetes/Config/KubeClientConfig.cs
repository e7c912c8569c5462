using System.Security.Cryptography.X509Certificates;

namespace KubeSync.Kubernetes.Config;

/// <summary>Where the API server is and how to talk to it: the result of reading a kubeconfig or the in-cluster files.</summary>
public sealed class KubeClientConfig
{
    public required Uri Server { get; init; }

    /// <summary>Roots to trust for the server's certificate; null trusts the system store.</summary>
    public X509Certificate2Collection? CertificateAuthority { get; init; }

    /// <summary>A client certificate with its private key, for clusters that authenticate by certificate.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>A bearer token that does not change.</summary>
    public string? Token { get; init; }

    /// <summary>A file holding the bearer token, re-read at least every minute (projected service account tokens rotate).</summary>
    public string? TokenFile { get; init; }

    public bool InsecureSkipTlsVerify { get; init; }

    /// <summary>The name to check the server certificate against instead of the host of <see cref="Server"/>.</summary>
    public string? TlsServerName { get; init; }

    /// <summary>The namespace used when a call does not name one.</summary>
    public string Namespace { get; init; } = "default";

    /// <summary>Limit for one non-watch request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
