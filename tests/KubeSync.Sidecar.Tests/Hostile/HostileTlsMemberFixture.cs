using System.Net;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>A member secured by mutual TLS against a group CA made here; clients hold certificates from the same CA.</summary>
public sealed class HostileTlsMemberFixture : HostileMemberFixture
{
    private readonly CertificateAuthority _ca = CertificateAuthority.Create(MemberProcess.Group, TimeProvider.System, TimeSpan.FromDays(1));
    private readonly X509Certificate2 _clientCertificate;

    public HostileTlsMemberFixture()
    {
        _clientCertificate = _ca.Issue("evil", TimeProvider.System, TimeSpan.FromHours(1), [], [IPAddress.Loopback]);
        ClientTls = PeerTls.MutualTls(_clientCertificate, _ca.Certificate, TimeProvider.System);
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _clientCertificate.Dispose();
        _ca.Dispose();
    }

    private protected override Task<MemberProcess> StartMemberAsync()
    {
        using var member = _ca.Issue("web-0", TimeProvider.System, TimeSpan.FromHours(1), [], [IPAddress.Loopback]);
        var certificatePem = CertificateFiles.ExportCertificatePem(member);
        var keyPem = CertificateFiles.ExportPrivateKeyPem(member);
        var caPem = _ca.ExportCertificatePem();
        return MemberProcess.StartAsync("web-0", tls: "{cert: tls.crt, key: tls.key, ca: ca.crt}", prepare: dir =>
        {
            File.WriteAllText(dir.Combine("tls.crt"), certificatePem);
            File.WriteAllText(dir.Combine("tls.key"), keyPem);
            File.WriteAllText(dir.Combine("ca.crt"), caPem);
        });
    }
}
