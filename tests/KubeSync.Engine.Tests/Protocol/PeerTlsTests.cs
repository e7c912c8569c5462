using System.Net;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Protocol;

public sealed class PeerTlsTests : IDisposable
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));

    [Fact]
    public void CreateServerOptions_MutualTls_RequiresClientCertificateAndTls13Only()
    {
        using var certificate = _ca.Issue("web-0", TimeProvider.System, TimeSpan.FromHours(1), [], [IPAddress.Loopback]);
        var tls = PeerTls.MutualTls(certificate, _ca.Certificate, TimeProvider.System);

        var options = tls.CreateServerOptions();

        Assert.False(tls.IsInsecure);
        Assert.True(options.ClientCertificateRequired);
        Assert.Equal(SslProtocols.Tls13, options.EnabledSslProtocols);
        Assert.NotNull(options.RemoteCertificateValidationCallback);
        Assert.NotNull(options.ServerCertificateContext);
    }

    [Fact]
    public void CreateClientOptions_MutualTls_OffersCertificateAndTls13Only()
    {
        using var certificate = _ca.Issue("web-1", TimeProvider.System, TimeSpan.FromHours(1), [], [IPAddress.Loopback]);
        var tls = PeerTls.MutualTls(certificate, _ca.Certificate, TimeProvider.System);

        SslClientAuthenticationOptions options = tls.CreateClientOptions();

        Assert.Equal(SslProtocols.Tls13, options.EnabledSslProtocols);
        Assert.NotNull(options.ClientCertificateContext);
        Assert.Equal(PeerTls.DefaultTargetHost, options.TargetHost);
    }

    [Fact]
    public void CreateServerOptions_Insecure_Throws()
    {
        Assert.True(PeerTls.Insecure.IsInsecure);
        Assert.Throws<InvalidOperationException>(() => PeerTls.Insecure.CreateServerOptions());
    }

    [Fact]
    public void MutualTls_CertificateWithoutPrivateKey_Throws()
    {
        using var withoutKey = X509CertificateLoader.LoadCertificate(_ca.Certificate.RawData);

        Assert.Throws<ArgumentException>(() => PeerTls.MutualTls(withoutKey, _ca.Certificate, TimeProvider.System));
    }

    public void Dispose() => _ca.Dispose();
}
