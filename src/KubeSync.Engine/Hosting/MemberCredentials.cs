using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Hosting;

/// <summary>What a member proves itself with: the group key and its TLS certificate. Used by the daemon and by the verbs that dial peers themselves.</summary>
public static class MemberCredentials
{
    /// <summary>The group key from <c>keyFile</c>; a missing or bad file is a <see cref="ConfigException"/> naming the key.</summary>
    public static byte[] ReadKey(KubeSyncConfig config)
    {
        if (config.KeyFile is null)
        {
            throw new ConfigException("keyFile", "is required to run: every member proves it holds the group key (make one with kubesync keygen FILE)");
        }

        try
        {
            return GroupKey.Read(config.KeyFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new ConfigException("keyFile", e.Message);
        }
    }

    /// <summary>Mutual TLS from <c>tls</c> (or plaintext with <c>insecure: true</c>); a bad file is a <see cref="ConfigException"/> naming the key.</summary>
    public static async Task<PeerTls> LoadTlsAsync(KubeSyncConfig config, ILoggerFactory loggers, TimeProvider time, CancellationToken ct)
    {
        if (config.Insecure)
        {
            return PeerTls.Insecure;
        }

        if (config.Tls is not { } tls)
        {
            throw new ConfigException("tls", "is required unless insecure: true (make a CA and member certificates with kubesync cert DIR)");
        }

        System.Security.Cryptography.X509Certificates.X509Certificate2 member;
        IReadOnlyList<System.Security.Cryptography.X509Certificates.X509Certificate2> ca;
        try
        {
            member = await CertificateFiles.LoadAsync(tls.Cert, tls.Key, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigException("tls.cert", $"cannot load {tls.Cert} with {tls.Key}: {e.Message}");
        }

        try
        {
            ca = await CertificateFiles.LoadCertificatesAsync(tls.Ca, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
        {
            throw new ConfigException("tls.ca", $"cannot load {tls.Ca}: {e.Message}");
        }

        var log = loggers.CreateLogger("kubesync.tls");
        return PeerTls.MutualTls(member, ca, time, reason => DaemonLog.CertificateRejected(log, reason));
    }
}
