using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace KubeSync.Engine.Security;

/// <summary>
/// Accepts a peer certificate only when it was issued directly by the group CA: the chain is built against
/// that CA alone (<see cref="X509ChainTrustMode.CustomRootTrust"/>, no system roots, no downloads, no
/// revocation checks), at the time of the injected clock, and the certificate must be a member certificate
/// (not a CA) valid for both server and client authentication. Certificates the peer sends along are ignored.
/// </summary>
/// <remarks>
/// Host names are not checked: a member proves that it belongs to the group, not which pod it is (pods
/// come and go and dial each other by IP). The node id is proven separately by the handshake.
/// </remarks>
public sealed class MemberCertificateValidator
{
    private readonly IReadOnlyList<X509Certificate2> _groupCas;
    private readonly TimeProvider _timeProvider;

    /// <param name="groupCa">The group CA certificate (its private key is not needed).</param>
    /// <param name="timeProvider">The clock validity is checked against.</param>
    public MemberCertificateValidator(X509Certificate2 groupCa, TimeProvider timeProvider)
        : this([groupCa ?? throw new ArgumentNullException(nameof(groupCa))], timeProvider)
    {
    }

    /// <param name="groupCas">
    /// The group CAs to trust: one, or two while the operator rotates the group CA (the old one and its successor,
    /// from the one <c>ca.crt</c>), so that members on either side of the rotation keep accepting each other.
    /// </param>
    /// <param name="timeProvider">The clock validity is checked against.</param>
    public MemberCertificateValidator(IReadOnlyList<X509Certificate2> groupCas, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(groupCas);
        ArgumentNullException.ThrowIfNull(timeProvider);
        if (groupCas.Count == 0)
        {
            throw new ArgumentException("at least one group CA is needed", nameof(groupCas));
        }

        _groupCas = groupCas;
        _timeProvider = timeProvider;
    }

    /// <summary>Checks <paramref name="certificate"/> against the group CA.</summary>
    public MemberCertificateVerdict Validate(X509Certificate2 certificate)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        if (certificate.Extensions.OfType<X509BasicConstraintsExtension>().Any(c => c.CertificateAuthority))
        {
            return MemberCertificateVerdict.Invalid($"'{certificate.Subject}' is a CA certificate, not a member certificate");
        }

        // One chain per CA: during a rotation both CAs carry the same subject, and a builder given both may pick the
        // wrong issuer by name and fail.
        MemberCertificateVerdict? first = null;
        foreach (var ca in _groupCas)
        {
            var verdict = ValidateAgainst(certificate, ca);
            if (verdict.IsValid)
            {
                return verdict;
            }

            first ??= verdict;
        }

        return first!;
    }

    private MemberCertificateVerdict ValidateAgainst(X509Certificate2 certificate, X509Certificate2 groupCa)
    {
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(groupCa);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.VerificationTime = _timeProvider.GetUtcNow().UtcDateTime;
        policy.VerificationTimeIgnored = false;
        policy.ApplicationPolicy.Add(Oids.ServerAuthentication);
        policy.ApplicationPolicy.Add(Oids.ClientAuthentication);

        if (!chain.Build(certificate))
        {
            var problems = chain.ChainStatus.Select(s => $"{s.Status} ({s.StatusInformation.Trim()})");
            return MemberCertificateVerdict.Invalid($"'{certificate.Subject}' is not trusted by the group CA: {string.Join(", ", problems)}");
        }

        var elements = chain.ChainElements;
        if (elements.Count != 2 || !elements[1].Certificate.RawDataMemory.Span.SequenceEqual(groupCa.RawDataMemory.Span))
        {
            return MemberCertificateVerdict.Invalid($"'{certificate.Subject}' is not issued directly by the group CA");
        }

        return MemberCertificateVerdict.Valid;
    }

    /// <summary>
    /// The check as an <see cref="SslStream"/> callback, for both ends of a mutual TLS connection. The
    /// platform's own verdict (<see cref="SslPolicyErrors"/>, made against the system roots) is replaced by
    /// <see cref="Validate"/>; a missing certificate is rejected. <paramref name="onRejected"/> receives the reason.
    /// </summary>
    public RemoteCertificateValidationCallback CreateCallback(Action<string>? onRejected = null) =>
        (_, certificate, _, errors) =>
        {
            if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
            {
                onRejected?.Invoke("the peer sent no certificate");
                return false;
            }

            using var owned = certificate is X509Certificate2 ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            var verdict = Validate(owned ?? (X509Certificate2)certificate);
            if (!verdict.IsValid)
            {
                onRejected?.Invoke(verdict.Reason!);
            }

            return verdict.IsValid;
        };
}
