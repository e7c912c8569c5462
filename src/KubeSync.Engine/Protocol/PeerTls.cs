using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// How peer connections are secured: TLS 1.3 with mutual authentication against the group CA
/// (<see cref="MemberCertificateValidator"/>), or — only when asked for explicitly with <see cref="Insecure"/> —
/// plaintext for local demos and tests. Connects and accepts sockets and returns the stream the handshake
/// runs on.
/// </summary>
public sealed class PeerTls
{
    /// <summary>Host name sent in the TLS client hello when the caller has none; certificates are not checked against host names.</summary>
    public const string DefaultTargetHost = "kubesync";

    private readonly SslStreamCertificateContext? _certificateContext;
    private readonly RemoteCertificateValidationCallback? _validation;

    private PeerTls(SslStreamCertificateContext? certificateContext, RemoteCertificateValidationCallback? validation)
    {
        _certificateContext = certificateContext;
        _validation = validation;
    }

    /// <summary>Plaintext connections: no authentication, no encryption. For local demos and tests only (<c>insecure: true</c>).</summary>
    public static PeerTls Insecure { get; } = new(null, null);

    /// <summary>Whether connections are plaintext.</summary>
    public bool IsInsecure => _certificateContext is null;

    /// <summary>
    /// Mutual TLS 1.3 with <paramref name="memberCertificate"/> (with its private key) against <paramref name="groupCa"/>.
    /// <paramref name="onRejected"/> receives the reason when a peer's certificate is refused (for the log).
    /// </summary>
    public static PeerTls MutualTls(X509Certificate2 memberCertificate, X509Certificate2 groupCa, TimeProvider timeProvider, Action<string>? onRejected = null) =>
        MutualTls(memberCertificate, [groupCa], timeProvider, onRejected);

    /// <summary>Mutual TLS as above, trusting each of <paramref name="groupCas"/> (both sides of a group CA rotation).</summary>
    public static PeerTls MutualTls(X509Certificate2 memberCertificate, IReadOnlyList<X509Certificate2> groupCas, TimeProvider timeProvider, Action<string>? onRejected = null)
    {
        ArgumentNullException.ThrowIfNull(memberCertificate);
        if (!memberCertificate.HasPrivateKey)
        {
            throw new ArgumentException("the member certificate has no private key", nameof(memberCertificate));
        }

        // offline: the chain is never downloaded; peers validate against the group CA they already hold.
        var context = SslStreamCertificateContext.Create(memberCertificate, additionalCertificates: null, offline: true);
        var validator = new MemberCertificateValidator(groupCas, timeProvider);
        return new PeerTls(context, validator.CreateCallback(onRejected));
    }

    /// <summary>Options for the accepting side: TLS 1.3 only, a client certificate required and checked against the group CA.</summary>
    public SslServerAuthenticationOptions CreateServerOptions() => new()
    {
        ServerCertificateContext = _certificateContext ?? throw InsecureHasNoOptions(),
        ClientCertificateRequired = true,
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = _validation,
    };

    /// <summary>Options for the connecting side: TLS 1.3 only, this member's certificate offered, the server's checked against the group CA.</summary>
    public SslClientAuthenticationOptions CreateClientOptions(string? targetHost = null) => new()
    {
        TargetHost = string.IsNullOrEmpty(targetHost) ? DefaultTargetHost : targetHost,
        ClientCertificateContext = _certificateContext ?? throw InsecureHasNoOptions(),
        EnabledSslProtocols = SslProtocols.Tls13,
        CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
        RemoteCertificateValidationCallback = _validation,
    };

    /// <summary>Connects to <paramref name="endPoint"/> and returns the authenticated stream (which owns the socket).</summary>
    public async Task<Stream> ConnectAsync(EndPoint endPoint, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        // A DnsEndPoint has no family: a dual-mode socket reaches both IPv4 and IPv6 addresses.
        var socket = endPoint.AddressFamily == AddressFamily.Unspecified
            ? new Socket(SocketType.Stream, ProtocolType.Tcp)
            : new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.NoDelay = true;
            await socket.ConnectAsync(endPoint, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        return await AuthenticateAsync(socket, client: true, (endPoint as DnsEndPoint)?.Host, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Accepts one connection from <paramref name="listener"/> and returns the authenticated stream.</summary>
    public async Task<Stream> AcceptAsync(Socket listener, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(listener);
        var socket = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
        socket.NoDelay = true;
        return await AuthenticateAsync(socket, client: false, null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Secures an accepted (<paramref name="client"/> false) or connected socket. The returned stream owns the
    /// socket; on failure the socket is closed and a TLS failure is thrown as <see cref="ProtocolException"/>
    /// with <see cref="ProtocolError.Tls"/>.
    /// </summary>
    public async Task<Stream> AuthenticateAsync(Socket socket, bool client, string? targetHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(socket);
        var remote = socket.RemoteEndPoint?.ToString() ?? "the peer";
        var network = new NetworkStream(socket, ownsSocket: true);
        if (IsInsecure)
        {
            return network;
        }

        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            if (client)
            {
                await tls.AuthenticateAsClientAsync(CreateClientOptions(targetHost), cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await tls.AuthenticateAsServerAsync(CreateServerOptions(), cancellationToken).ConfigureAwait(false);
            }

            return tls;
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw new ProtocolException(ProtocolError.Tls, $"TLS authentication with {remote} failed: {error.Message}", error);
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static InvalidOperationException InsecureHasNoOptions() => new("plaintext connections have no TLS options");
}
