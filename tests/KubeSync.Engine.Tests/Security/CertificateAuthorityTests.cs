using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Security;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Security;

public sealed class CertificateAuthorityTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public void Create_Group_IsSelfSignedP256CertificateAuthority()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(365));
        var certificate = ca.Certificate;

        Assert.Equal("CN=kubesync-ca web", certificate.Subject);
        Assert.Equal(certificate.Subject, certificate.Issuer);
        Assert.True(certificate.HasPrivateKey);
        using var key = certificate.GetECDsaPublicKey();
        Assert.Equal(256, key!.KeySize);
        var constraints = Assert.Single(certificate.Extensions.OfType<X509BasicConstraintsExtension>());
        Assert.True(constraints.CertificateAuthority);
        Assert.True(constraints.Critical);
        var usage = Assert.Single(certificate.Extensions.OfType<X509KeyUsageExtension>());
        Assert.True(usage.KeyUsages.HasFlag(X509KeyUsageFlags.KeyCertSign));
    }

    [Fact]
    public void Issue_MemberRequest_HasServerAndClientUsageAndNames()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(365));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-1);
        var request = new MemberCertificateRequest("web-0", notBefore, notBefore.AddDays(30))
        {
            DnsNames = ["web-0.web-peers.default.svc", "localhost"],
            IpAddresses = [IPAddress.Loopback, IPAddress.Parse("10.0.0.6")],
        };

        using var member = ca.Issue(request);

        Assert.Equal("CN=web-0", member.Subject);
        Assert.Equal(ca.Certificate.Subject, member.Issuer);
        Assert.True(member.HasPrivateKey);
        var usages = Assert.Single(member.Extensions.OfType<X509EnhancedKeyUsageExtension>()).EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value);
        Assert.Equal(["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"], usages);
        Assert.False(Assert.Single(member.Extensions.OfType<X509BasicConstraintsExtension>()).CertificateAuthority);
        var names = Assert.Single(member.Extensions.OfType<X509SubjectAlternativeNameExtension>());
        Assert.Equal(["web-0.web-peers.default.svc", "localhost"], names.EnumerateDnsNames());
        Assert.Equal([IPAddress.Loopback, IPAddress.Parse("10.0.0.6")], names.EnumerateIPAddresses());
        Assert.Equal(request.NotAfter.UtcDateTime.AddTicks(-(request.NotAfter.UtcTicks % TimeSpan.TicksPerSecond)), member.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Issue_ValidityBeyondCa_ThrowsArgumentException()
    {
        var now = DateTimeOffset.UtcNow;
        using var ca = CertificateAuthority.Create("web", now, now.AddDays(1));

        Assert.Throws<ArgumentException>(() => ca.Issue(new MemberCertificateRequest("web-0", now, now.AddDays(2))));
    }

    [Fact]
    public void Issue_WithTimeProvider_CutsValidityToCa()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(10));

        using var member = ca.Issue("web-0", TimeProvider.System, TimeSpan.FromDays(100), ["localhost"], []);

        Assert.Equal(ca.Certificate.NotAfter, member.NotAfter);
    }

    [Fact]
    public void ImportPem_ExportedCa_KeepsKeyAndCanIssue()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(365));

        using var imported = CertificateAuthority.ImportPem(ca.ExportCertificatePem(), ca.ExportPrivateKeyPem());
        using var member = imported.Issue("web-1", TimeProvider.System, TimeSpan.FromDays(1), [], [IPAddress.Loopback]);

        Assert.Equal(ca.Certificate.Thumbprint, imported.Certificate.Thumbprint);
        Assert.True(new MemberCertificateValidator(ca.Certificate, TimeProvider.System).Validate(member).IsValid);
        Assert.Contains("BEGIN PRIVATE KEY", ca.ExportPrivateKeyPem(), StringComparison.Ordinal);
    }

    [Fact]
    public void ImportPem_MemberCertificate_ThrowsArgumentException()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(365));
        using var member = ca.Issue("web-0", TimeProvider.System, TimeSpan.FromDays(1), [], []);

        Assert.Throws<ArgumentException>(() => CertificateAuthority.ImportPem(CertificateFiles.ExportCertificatePem(member), CertificateFiles.ExportPrivateKeyPem(member)));
    }

    [Fact]
    public async Task WriteAsync_CaAndMember_WritesPemFilesWithPrivateKeyMode()
    {
        using var directory = new TempDirectory();
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(365));
        using var member = ca.Issue("web-0", TimeProvider.System, TimeSpan.FromDays(1), ["localhost"], []);

        await ca.WriteAsync(directory.Combine("ca.crt"), directory.Combine("ca.key"), CancellationToken.None).WaitAsync(Timeout);
        await CertificateFiles.WriteAsync(member, directory.Combine("tls.crt"), directory.Combine("tls.key"), CancellationToken.None).WaitAsync(Timeout);
        await CertificateFiles.WriteAsync(member, directory.Combine("tls.crt"), directory.Combine("tls.key"), CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(CertificateFiles.PrivateKeyMode, File.GetUnixFileMode(directory.Combine("ca.key")));
        Assert.Equal(CertificateFiles.PrivateKeyMode, File.GetUnixFileMode(directory.Combine("tls.key")));
        Assert.Equal(CertificateFiles.CertificateMode, File.GetUnixFileMode(directory.Combine("tls.crt")));
        Assert.Equal(["ca.crt", "ca.key", "tls.crt", "tls.key"], Directory.GetFiles(directory.Path).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        using var loadedCa = await CertificateAuthority.LoadAsync(directory.Combine("ca.crt"), directory.Combine("ca.key"), CancellationToken.None).WaitAsync(Timeout);
        using var loaded = await CertificateFiles.LoadAsync(directory.Combine("tls.crt"), directory.Combine("tls.key"), CancellationToken.None).WaitAsync(Timeout);
        using var trusted = await CertificateFiles.LoadCertificateAsync(directory.Combine("ca.crt"), CancellationToken.None).WaitAsync(Timeout);
        Assert.True(loaded.HasPrivateKey);
        Assert.Equal(member.Thumbprint, loaded.Thumbprint);
        Assert.True(new MemberCertificateValidator(trusted, TimeProvider.System).Validate(loaded).IsValid);
        Assert.Equal(ca.Certificate.Thumbprint, loadedCa.Certificate.Thumbprint);
    }
}
