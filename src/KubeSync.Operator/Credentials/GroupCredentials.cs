using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

using KubeSync.Engine.Security;
using KubeSync.Operator.Rendering;

namespace KubeSync.Operator.Credentials;

/// <summary>
/// The group's credentials in its Secret: a long-lived CA (ECDSA P-256, made with .NET's CertificateRequest), one member
/// certificate for every pod (peers check the CA, not host names; the handshake proves the node id), and the group key.
/// Renewal never drops a peer: a new member certificate comes from the same CA, and a new CA is trusted next to the old
/// one for <see cref="CredentialOptions.CaOverlap"/> before it signs, the old one staying trusted until it expires.
/// </summary>
public static class GroupCredentials
{
    public static CredentialPlan Plan(string group, IReadOnlyDictionary<string, byte[]>? existing, DateTimeOffset now, CredentialOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var time = new FixedTime(now);
        if (existing is null || Load(existing) is not { } state)
        {
            using var ca = CertificateAuthority.Create(group, time, options.CaValidity);
            using var member = IssueMember(ca, group, time, options);
            var data = new Dictionary<string, byte[]> { [CredentialKeys.GroupKey] = Ascii(GroupKey.Generate() + "\n") };
            Write(data, ca, null, [ca.Certificate], member);
            return new CredentialPlan(data, CredentialChange.Created, member.NotAfter.ToUniversalTime());
        }

        using (state)
        {
            return Renew(group, existing, state, time, options);
        }
    }

    private static CredentialPlan Renew(string group, IReadOnlyDictionary<string, byte[]> existing, CredentialState state, TimeProvider time, CredentialOptions options)
    {
        var now = time.GetUtcNow();
        var change = CredentialChange.Unchanged;
        var signing = state.Signing;
        var next = state.Next;
        var trusted = state.Trusted.Where(c => c.NotAfter.ToUniversalTime() > now.UtcDateTime).ToList();
        var member = state.Member;
        if (next is null && signing.Certificate.NotAfter.ToUniversalTime() - now.UtcDateTime < options.CaRenewBefore)
        {
            next = CertificateAuthority.Create(group, time, options.CaValidity);
            trusted.Add(next.Certificate);
            change = CredentialChange.CaRotationStarted;
        }
        else if (next is not null && now.UtcDateTime - next.Certificate.NotBefore.ToUniversalTime() - CertificateAuthority.ClockSkew >= options.CaOverlap)
        {
            signing = next;
            next = null;
            member = IssueMember(signing, group, time, options);
            change = CredentialChange.CaRotated;
        }

        if (change == CredentialChange.Unchanged && member.NotAfter.ToUniversalTime() - now.UtcDateTime < options.CertificateRenewBefore)
        {
            member = IssueMember(signing, group, time, options);
            change = CredentialChange.CertificateRenewed;
        }

        if (change == CredentialChange.Unchanged)
        {
            return new CredentialPlan(existing, change, member.NotAfter.ToUniversalTime());
        }

        var data = new Dictionary<string, byte[]>(existing);
        data.Remove(CredentialKeys.NextCertificate);
        data.Remove(CredentialKeys.NextKey);
        Write(data, signing, next, trusted, member);
        return new CredentialPlan(data, change, member.NotAfter.ToUniversalTime());
    }

    private static X509Certificate2 IssueMember(CertificateAuthority ca, string group, TimeProvider time, CredentialOptions options) =>
        ca.Issue($"kubesync-member.{group}", time, options.CertificateValidity, ["localhost"], []);

    private static void Write(Dictionary<string, byte[]> data, CertificateAuthority signing, CertificateAuthority? next, IEnumerable<X509Certificate2> trusted, X509Certificate2 member)
    {
        // The CA that signed the member certificate comes first in the bundle, for readers that take only the first.
        var bundle = trusted.OrderByDescending(c => c.Thumbprint == signing.Certificate.Thumbprint).DistinctBy(c => c.Thumbprint);
        data[CredentialKeys.TrustBundle] = Ascii(string.Concat(bundle.Select(c => c.ExportCertificatePem() + "\n")));
        data[CredentialKeys.SigningCertificate] = Ascii(signing.ExportCertificatePem());
        data[CredentialKeys.SigningKey] = Ascii(signing.ExportPrivateKeyPem());
        if (next is not null)
        {
            data[CredentialKeys.NextCertificate] = Ascii(next.ExportCertificatePem());
            data[CredentialKeys.NextKey] = Ascii(next.ExportPrivateKeyPem());
        }

        data[CredentialKeys.MemberCertificate] = Ascii(CertificateFiles.ExportCertificatePem(member));
        data[CredentialKeys.MemberKey] = Ascii(CertificateFiles.ExportPrivateKeyPem(member));
    }

    /// <summary>The Secret's credentials, or null when any part is missing or does not parse (then they are made anew).</summary>
    private static CredentialState? Load(IReadOnlyDictionary<string, byte[]> data)
    {
        string? Text(string key) => data.TryGetValue(key, out var bytes) ? Encoding.ASCII.GetString(bytes) : null;
        if (Text(CredentialKeys.SigningCertificate) is not { } caPem || Text(CredentialKeys.SigningKey) is not { } caKey
            || Text(CredentialKeys.MemberCertificate) is not { } certPem || Text(CredentialKeys.MemberKey) is not { } certKey
            || Text(CredentialKeys.TrustBundle) is not { } bundle || Text(CredentialKeys.GroupKey) is null)
        {
            return null;
        }

        try
        {
            var next = Text(CredentialKeys.NextCertificate) is { } nextPem && Text(CredentialKeys.NextKey) is { } nextKey
                ? CertificateAuthority.ImportPem(nextPem, nextKey)
                : null;
            var trusted = new X509Certificate2Collection();
            trusted.ImportFromPem(bundle);
            return new CredentialState(CertificateAuthority.ImportPem(caPem, caKey), next, [.. trusted], CertificateFiles.ImportPem(certPem, certKey));
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            return null;
        }
    }

    private static byte[] Ascii(string text) => Encoding.ASCII.GetBytes(text);

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
