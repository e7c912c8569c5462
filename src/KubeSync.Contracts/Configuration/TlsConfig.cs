namespace KubeSync.Contracts.Configuration;

/// <summary><c>tls</c>: PEM files for mutual TLS against the group CA.</summary>
public sealed record TlsConfig(string Cert, string Key, string Ca);
