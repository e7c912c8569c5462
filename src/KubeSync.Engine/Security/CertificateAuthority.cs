using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace KubeSync.Engine.Security;

/// <summary>
/// A group's certificate authority: a self-signed ECDSA P-256 certificate with subject
/// <c>CN=kubesync-ca &lt;group&gt;</c> that issues the members' certificates (server and client
/// authentication). Members trust this CA and nothing else (<see cref="MemberCertificateValidator"/>).
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    /// <summary>Margin for clocks that disagree a little: a certificate starts this long before "now".</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    private CertificateAuthority(X509Certificate2 certificate)
    {
        Certificate = certificate;
    }

    /// <summary>The CA certificate, with its private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>Creates a CA for <paramref name="group"/> valid from <paramref name="notBefore"/> to <paramref name="notAfter"/>.</summary>
    public static CertificateAuthority Create(string group, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ValidateName(group, nameof(group));
        if (notAfter <= notBefore)
        {
            throw new ArgumentException("notAfter must be later than notBefore", nameof(notAfter));
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"kubesync-ca {group}");
        var request = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);

        // Path length 0: the CA signs member certificates only, never another CA.
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: true, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, critical: false));
        return new CertificateAuthority(request.CreateSelfSigned(notBefore, notAfter));
    }

    /// <summary>Creates a CA valid for <paramref name="validity"/> from now (less <see cref="ClockSkew"/>).</summary>
    public static CertificateAuthority Create(string group, TimeProvider timeProvider, TimeSpan validity)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var now = timeProvider.GetUtcNow();
        return Create(group, now - ClockSkew, now + validity);
    }

    /// <summary>
    /// A CA from its PEM certificate and PKCS#8 key. Throws <see cref="CryptographicException"/> when they do
    /// not parse or do not match, <see cref="ArgumentException"/> when the certificate is not a CA.
    /// </summary>
    public static CertificateAuthority ImportPem(string certificatePem, string privateKeyPem)
    {
        var certificate = CertificateFiles.ImportPem(certificatePem, privateKeyPem);
        var constraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().FirstOrDefault();
        if (constraints is not { CertificateAuthority: true })
        {
            certificate.Dispose();
            throw new ArgumentException("the certificate is not a certificate authority", nameof(certificatePem));
        }

        return new CertificateAuthority(certificate);
    }

    /// <summary>Loads a CA written by <see cref="WriteAsync"/>.</summary>
    public static async Task<CertificateAuthority> LoadAsync(string certificatePath, string privateKeyPath, CancellationToken cancellationToken) =>
        ImportPem(
            await File.ReadAllTextAsync(certificatePath, cancellationToken),
            await File.ReadAllTextAsync(privateKeyPath, cancellationToken));

    /// <summary>
    /// Issues a member certificate (new ECDSA P-256 key, server and client authentication, the requested
    /// SANs) and returns it with its private key. The validity must lie within the CA's.
    /// </summary>
    public X509Certificate2 Issue(MemberCertificateRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        ValidateName(request.NodeName, nameof(request));
        if (request.NotAfter <= request.NotBefore)
        {
            throw new ArgumentException("NotAfter must be later than NotBefore", nameof(request));
        }

        // Certificates carry whole seconds: compare what will be written, so that the CA's own end of validity is allowed.
        var notBefore = TruncateToSeconds(request.NotBefore);
        var notAfter = TruncateToSeconds(request.NotAfter);
        if (notBefore < Certificate.NotBefore || notAfter > Certificate.NotAfter)
        {
            throw new ArgumentException($"the validity {notBefore:O}..{notAfter:O} is outside the CA's {Certificate.NotBefore.ToUniversalTime():O}..{Certificate.NotAfter.ToUniversalTime():O}", nameof(request));
        }

        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(request.NodeName);
        var certificateRequest = new CertificateRequest(subject.Build(), key, HashAlgorithmName.SHA256);
        AddMemberExtensions(certificateRequest, request);
        using var issued = certificateRequest.Create(Certificate, notBefore, notAfter, CreateSerialNumber());
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Issues a member certificate valid for <paramref name="validity"/> from now, cut to the CA's own end of validity.</summary>
    public X509Certificate2 Issue(string nodeName, TimeProvider timeProvider, TimeSpan validity, IReadOnlyList<string> dnsNames, IReadOnlyList<IPAddress> ipAddresses)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        var now = timeProvider.GetUtcNow();
        var notBefore = new DateTimeOffset(Max(now - ClockSkew, Certificate.NotBefore.ToUniversalTime()));
        var notAfter = new DateTimeOffset(Min(now + validity, Certificate.NotAfter.ToUniversalTime()));
        return Issue(new MemberCertificateRequest(nodeName, notBefore, notAfter) { DnsNames = dnsNames, IpAddresses = ipAddresses });
    }

    public string ExportCertificatePem() => CertificateFiles.ExportCertificatePem(Certificate);

    public string ExportPrivateKeyPem() => CertificateFiles.ExportPrivateKeyPem(Certificate);

    /// <summary>Writes the CA certificate and key as PEM files, atomically; the key file with mode 0600.</summary>
    public Task WriteAsync(string certificatePath, string privateKeyPath, CancellationToken cancellationToken) =>
        CertificateFiles.WriteAsync(Certificate, certificatePath, privateKeyPath, cancellationToken);

    public void Dispose() => Certificate.Dispose();

    private static void AddMemberExtensions(CertificateRequest certificateRequest, MemberCertificateRequest request)
    {
        var extensions = certificateRequest.CertificateExtensions;
        extensions.Add(new X509BasicConstraintsExtension(certificateAuthority: false, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        extensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true));
        extensions.Add(new X509EnhancedKeyUsageExtension([Oids.ServerAuthentication, Oids.ClientAuthentication], critical: false));
        extensions.Add(new X509SubjectKeyIdentifierExtension(certificateRequest.PublicKey, critical: false));
        if (request.DnsNames.Count > 0 || request.IpAddresses.Count > 0)
        {
            var names = new SubjectAlternativeNameBuilder();
            foreach (var dnsName in request.DnsNames)
            {
                names.AddDnsName(dnsName);
            }

            foreach (var address in request.IpAddresses)
            {
                names.AddIpAddress(address);
            }

            extensions.Add(names.Build(critical: false));
        }
    }

    private static byte[] CreateSerialNumber()
    {
        // 16 random bytes, positive and without a leading zero byte (RFC 5280 4.1.2.2).
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    private static void ValidateName(string name, string parameter)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Any(char.IsControl))
        {
            throw new ArgumentException($"'{name}' is not a valid name: empty or with control characters", parameter);
        }
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private static DateTime Max(DateTimeOffset a, DateTime b) => a.UtcDateTime > b ? a.UtcDateTime : b;

    private static DateTime Min(DateTimeOffset a, DateTime b) => a.UtcDateTime < b ? a.UtcDateTime : b;
}
