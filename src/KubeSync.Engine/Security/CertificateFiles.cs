using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace KubeSync.Engine.Security;

/// <summary>
/// PEM files for certificates and their keys: the certificate as <c>CERTIFICATE</c>, the key as PKCS#8
/// <c>PRIVATE KEY</c>. Files are written atomically; key files get mode 0600, certificates 0644.
/// </summary>
public static class CertificateFiles
{
    /// <summary>Permissions of a private key file (owner read/write).</summary>
    public const UnixFileMode PrivateKeyMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Permissions of a certificate file (world-readable: it holds no secret).</summary>
    public const UnixFileMode CertificateMode = PrivateKeyMode | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public static string ExportCertificatePem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        return certificate.ExportCertificatePem();
    }

    /// <summary>The certificate's ECDSA private key as PKCS#8 PEM. Throws when the certificate has no ECDSA private key.</summary>
    public static string ExportPrivateKeyPem(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        using var key = certificate.GetECDsaPrivateKey()
            ?? throw new ArgumentException($"certificate {certificate.Subject} has no ECDSA private key", nameof(certificate));
        return key.ExportPkcs8PrivateKeyPem();
    }

    /// <summary>A certificate with its private key from PEM text. Throws <see cref="CryptographicException"/> when they do not parse or do not match.</summary>
    public static X509Certificate2 ImportPem(string certificatePem, string privateKeyPem) =>
        X509Certificate2.CreateFromPem(certificatePem, privateKeyPem);

    /// <summary>A certificate without key (a CA certificate to trust) from PEM text.</summary>
    public static X509Certificate2 ImportCertificatePem(string certificatePem) =>
        X509Certificate2.CreateFromPem(certificatePem);

    /// <summary>Writes the certificate and its private key to two PEM files, each atomically; the key file with mode 0600.</summary>
    public static async Task WriteAsync(X509Certificate2 certificate, string certificatePath, string privateKeyPath, CancellationToken cancellationToken)
    {
        var keyPem = ExportPrivateKeyPem(certificate);
        await AtomicFile.WriteAsync(privateKeyPath, Encoding.ASCII.GetBytes(keyPem), PrivateKeyMode, cancellationToken);
        await WriteCertificateAsync(certificate, certificatePath, cancellationToken);
    }

    /// <summary>Writes only the certificate (a CA certificate for members to trust), atomically.</summary>
    public static Task WriteCertificateAsync(X509Certificate2 certificate, string certificatePath, CancellationToken cancellationToken) =>
        AtomicFile.WriteAsync(certificatePath, Encoding.ASCII.GetBytes(ExportCertificatePem(certificate)), CertificateMode, cancellationToken);

    /// <summary>Loads a certificate and its private key from PEM files.</summary>
    public static async Task<X509Certificate2> LoadAsync(string certificatePath, string privateKeyPath, CancellationToken cancellationToken)
    {
        var certificatePem = await File.ReadAllTextAsync(certificatePath, cancellationToken);
        var keyPem = await File.ReadAllTextAsync(privateKeyPath, cancellationToken);
        return ImportPem(certificatePem, keyPem);
    }

    /// <summary>Loads a certificate without key (the group CA to trust) from a PEM file.</summary>
    public static async Task<X509Certificate2> LoadCertificateAsync(string certificatePath, CancellationToken cancellationToken) =>
        ImportCertificatePem(await File.ReadAllTextAsync(certificatePath, cancellationToken));

    /// <summary>Every certificate in a PEM file (a trust bundle: the group CA, or two during a CA rotation). Throws when it holds none.</summary>
    public static async Task<IReadOnlyList<X509Certificate2>> LoadCertificatesAsync(string certificatePath, CancellationToken cancellationToken)
    {
        var bundle = new X509Certificate2Collection();
        bundle.ImportFromPem(await File.ReadAllTextAsync(certificatePath, cancellationToken));
        return bundle.Count > 0 ? [.. bundle] : throw new CryptographicException($"{certificatePath} holds no PEM certificate");
    }
}
