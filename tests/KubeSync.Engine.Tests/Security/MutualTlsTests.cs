using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Security;

/// <summary>Two <see cref="SslStream"/> ends over a real loopback TCP connection, authenticated against the group CA.</summary>
public sealed class MutualTlsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly CertificateAuthority _ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
    private readonly CertificateAuthority _foreignCa = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));

    [Fact]
    public async Task Handshake_BothMembersOfGroup_ConnectsWithTls13()
    {
        using var server = Issue(_ca, "web-0");
        using var client = Issue(_ca, "web-1");

        var (serverOutcome, clientOutcome) = await ConnectAsync(server, client).WaitAsync(Timeout);

        Assert.Null(serverOutcome.Error);
        Assert.Null(clientOutcome.Error);
        Assert.Equal(SslProtocols.Tls13, serverOutcome.Protocol);
        Assert.Equal("CN=web-1", serverOutcome.PeerSubject);
        Assert.Equal("CN=web-0", clientOutcome.PeerSubject);
        Assert.Equal(42, clientOutcome.Received);
    }

    [Fact]
    public async Task Handshake_ClientWithForeignCertificate_IsRefusedByServer()
    {
        using var server = Issue(_ca, "web-0");
        using var intruder = Issue(_foreignCa, "web-1");

        var (serverOutcome, clientOutcome) = await ConnectAsync(server, intruder).WaitAsync(Timeout);

        Assert.IsType<AuthenticationException>(serverOutcome.Error);
        Assert.Contains(serverOutcome.Rejections, r => r.Contains("not trusted", StringComparison.Ordinal));
        Assert.Null(clientOutcome.Received);
    }

    [Fact]
    public async Task Handshake_ServerWithForeignCertificate_IsRefusedByClient()
    {
        using var impostor = Issue(_foreignCa, "web-0");
        using var client = Issue(_ca, "web-1");

        var (_, clientOutcome) = await ConnectAsync(impostor, client).WaitAsync(Timeout);

        // The server's own outcome depends on timing: on Linux the client checks the server's certificate
        // after OpenSSL has finished its handshake, so the server may see a complete handshake before the
        // client aborts. What matters is that the client refuses and reads nothing.
        Assert.IsType<AuthenticationException>(clientOutcome.Error);
        Assert.Contains(clientOutcome.Rejections, r => r.Contains("not trusted", StringComparison.Ordinal));
        Assert.Null(clientOutcome.Received);
    }

    public void Dispose()
    {
        _ca.Dispose();
        _foreignCa.Dispose();
    }

    private static X509Certificate2 Issue(CertificateAuthority ca, string node) =>
        ca.Issue(node, TimeProvider.System, TimeSpan.FromHours(1), ["localhost"], [IPAddress.Loopback]);

    private async Task<(TlsOutcome Server, TlsOutcome Client)> ConnectAsync(X509Certificate2 serverCertificate, X509Certificate2 clientCertificate)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var serverTask = RunServerAsync(listener, serverCertificate);
            var clientTask = RunClientAsync(port, clientCertificate);
            return (await serverTask.WaitAsync(Timeout), await clientTask.WaitAsync(Timeout));
        }
        finally
        {
            listener.Stop();
        }
    }

    private async Task<TlsOutcome> RunServerAsync(TcpListener listener, X509Certificate2 certificate)
    {
        var outcome = new TlsOutcome();
        using var socket = await listener.AcceptTcpClientAsync().WaitAsync(Timeout);
        using var tls = new SslStream(socket.GetStream());
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificate = certificate,
            ClientCertificateRequired = true,
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = new MemberCertificateValidator(_ca.Certificate, TimeProvider.System).CreateCallback(outcome.Rejections.Add),
        };
        try
        {
            await tls.AuthenticateAsServerAsync(options).WaitAsync(Timeout);
            outcome.Protocol = tls.SslProtocol;
            outcome.PeerSubject = tls.RemoteCertificate?.Subject;
            await tls.WriteAsync(new byte[] { 42 }).AsTask().WaitAsync(Timeout);
            await tls.FlushAsync().WaitAsync(Timeout);
            await tls.ShutdownAsync().WaitAsync(Timeout);
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            outcome.Error = error;
        }

        return outcome;
    }

    private async Task<TlsOutcome> RunClientAsync(int port, X509Certificate2 certificate)
    {
        var outcome = new TlsOutcome();
        using var socket = new TcpClient();
        await socket.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Timeout);
        using var tls = new SslStream(socket.GetStream());
        var options = new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ClientCertificates = [certificate],
            EnabledSslProtocols = SslProtocols.Tls13,
            RemoteCertificateValidationCallback = new MemberCertificateValidator(_ca.Certificate, TimeProvider.System).CreateCallback(outcome.Rejections.Add),
        };
        try
        {
            await tls.AuthenticateAsClientAsync(options).WaitAsync(Timeout);
            outcome.Protocol = tls.SslProtocol;
            outcome.PeerSubject = tls.RemoteCertificate?.Subject;

            // With TLS 1.3 the client learns that the server refused its certificate only on its first read.
            var buffer = new byte[1];
            var read = await tls.ReadAsync(buffer).AsTask().WaitAsync(Timeout);
            outcome.Received = read == 1 ? buffer[0] : null;
        }
        catch (Exception error) when (error is AuthenticationException or IOException)
        {
            outcome.Error = error;
        }

        return outcome;
    }

    private sealed class TlsOutcome
    {
        public List<string> Rejections { get; } = [];

        public Exception? Error { get; set; }

        public SslProtocols Protocol { get; set; }

        public string? PeerSubject { get; set; }

        public int? Received { get; set; }
    }
}
