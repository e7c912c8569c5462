using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KubeSync.Kubernetes.Config;

/// <summary>Builds the HTTP handler for a <see cref="KubeClientConfig"/>: TLS trust, client certificate, bearer token, keep-alive pings.</summary>
public static class KubeHttpHandlerFactory
{
    /// <summary>HTTP/2 pings on idle connections, so a peer that vanished is noticed within about a minute.</summary>
    public static readonly TimeSpan KeepAlivePingDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan KeepAlivePingTimeout = TimeSpan.FromSeconds(15);

    public static HttpMessageHandler Create(KubeClientConfig config, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sockets = new SocketsHttpHandler
        {
            KeepAlivePingDelay = KeepAlivePingDelay,
            KeepAlivePingTimeout = KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            EnableMultipleHttp2Connections = true,
            ConnectTimeout = TimeSpan.FromSeconds(10),
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Validate(config, certificate, chain, errors),
            },
        };
        if (config.ClientCertificate is not null)
        {
            sockets.SslOptions.ClientCertificates = [config.ClientCertificate];
        }

        var tokens = new BearerTokenSource(config.Token, config.TokenFile, timeProvider);
        return new BearerTokenHandler(tokens, sockets);
    }

    private static bool Validate(KubeClientConfig config, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (config.InsecureSkipTlsVerify)
        {
            return true;
        }

        if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            return false;
        }

        // SocketsHttpHandler checks the name against the URL's host whatever TargetHost says, so with
        // tls-server-name the name is checked here instead (the SNI sent stays the URL's host).
        var nameMatches = config.TlsServerName is { } serverName
            ? Leaf(certificate).MatchesHostname(serverName)
            : (errors & SslPolicyErrors.RemoteCertificateNameMismatch) == 0;
        if (!nameMatches)
        {
            return false;
        }

        if (config.CertificateAuthority is not { Count: > 0 } authority)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(authority);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(Leaf(certificate));
    }

    /// <summary>The callback's certificate is an <see cref="X509Certificate2"/> owned by the TLS stream; only a plain one is copied.</summary>
    private static X509Certificate2 Leaf(X509Certificate certificate) =>
        certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
}
