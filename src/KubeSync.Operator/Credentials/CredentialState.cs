using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Security;

namespace KubeSync.Operator.Credentials;

/// <summary>The credentials read back from a group's Secret.</summary>
internal sealed record CredentialState(CertificateAuthority Signing, CertificateAuthority? Next, IReadOnlyList<X509Certificate2> Trusted, X509Certificate2 Member) : IDisposable
{
    public void Dispose()
    {
        Signing.Dispose();
        Next?.Dispose();
        Member.Dispose();
        foreach (var certificate in Trusted)
        {
            certificate.Dispose();
        }
    }
}
