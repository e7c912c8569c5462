using System.Net;
using System.Security.Cryptography.X509Certificates;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>The Hello/Proof handshake between two ends over a real loopback TCP connection.</summary>
public sealed class ProtocolHandshakeTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly LoopbackHarness _harness = new();
    private readonly CancellationTokenSource _timeout = new(Timeout);

    [Fact]
    public async Task RunAsync_Plaintext_BothSidesKnowEachOther()
    {
        var (server, client) = StartBoth(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1"), PeerTls.Insecure, PeerTls.Insecure);
        await using var serverConnection = await server.WaitAsync(Timeout);
        await using var clientConnection = await client.WaitAsync(Timeout);

        Assert.Equal("web-1", serverConnection.PeerNodeId);
        Assert.Equal("web-0", clientConnection.PeerNodeId);
        Assert.Equal(HandshakeRole.Responder, serverConnection.Role);
        Assert.Equal(HandshakeRole.Initiator, clientConnection.Role);
        Assert.Equal(ProtocolVersions.Max, serverConnection.Version);
        Assert.Null(serverConnection.PeerCertificateSubject);
        await AssertPingPongAsync(clientConnection, serverConnection);
    }

    [Fact]
    public async Task CloseAsync_AfterHandshake_PeerReceivesGoodbyeThenEndOfStream()
    {
        var (server, client) = StartBoth(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1"), PeerTls.Insecure, PeerTls.Insecure);
        await using var serverConnection = await server.WaitAsync(Timeout);
        var clientConnection = await client.WaitAsync(Timeout);

        await clientConnection.CloseAsync(null, "shutting down", _timeout.Token).WaitAsync(Timeout);
        await clientConnection.DisposeAsync().AsTask().WaitAsync(Timeout);

        Assert.Equal(new Goodbye(null, "shutting down"), await serverConnection.ReceiveAsync(_timeout.Token).AsTask().WaitAsync(Timeout));
        Assert.Null(await serverConnection.ReceiveAsync(_timeout.Token).AsTask().WaitAsync(Timeout));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\nb")]
    public void Validate_InvalidNodeId_Throws(string nodeId)
    {
        var options = LoopbackHarness.Options(nodeId);

        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Validate_NodeIdLongerThan253Bytes_Throws() =>
        Assert.Throws<ArgumentException>(LoopbackHarness.Options(new string('é', 127)).Validate);

    [Fact]
    public void Validate_ShortKey_Throws() =>
        Assert.Throws<ArgumentException>(LoopbackHarness.Options("web-0", key: new byte[15]).Validate);

    [Fact]
    public async Task RunAsync_MutualTls13_BothSidesKnowEachOther()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
        using var serverCertificate = Issue(ca, "web-0");
        using var clientCertificate = Issue(ca, "web-1");
        var serverTls = PeerTls.MutualTls(serverCertificate, ca.Certificate, TimeProvider.System);
        var clientTls = PeerTls.MutualTls(clientCertificate, ca.Certificate, TimeProvider.System);

        var (server, client) = StartBoth(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1"), serverTls, clientTls);
        await using var serverConnection = await server.WaitAsync(Timeout);
        await using var clientConnection = await client.WaitAsync(Timeout);

        Assert.Equal("web-1", serverConnection.PeerNodeId);
        Assert.Equal("web-0", clientConnection.PeerNodeId);
        Assert.Equal("CN=web-1", serverConnection.PeerCertificateSubject);
        Assert.Equal("CN=web-0", clientConnection.PeerCertificateSubject);
        await AssertPingPongAsync(serverConnection, clientConnection);
    }

    [Fact]
    public async Task RunAsync_ClientCertificateFromForeignCa_FailsWithTls()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
        using var foreignCa = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
        using var serverCertificate = Issue(ca, "web-0");
        using var intruderCertificate = Issue(foreignCa, "web-1");
        var rejections = new List<string>();
        var serverTls = PeerTls.MutualTls(serverCertificate, ca.Certificate, TimeProvider.System, rejections.Add);
        var intruderTls = PeerTls.MutualTls(intruderCertificate, foreignCa.Certificate, TimeProvider.System);

        var (server, client) = StartBoth(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1"), serverTls, intruderTls);

        var serverError = await Assert.ThrowsAsync<ProtocolException>(() => server.WaitAsync(Timeout));
        Assert.Equal(ProtocolError.Tls, serverError.Error);
        Assert.Contains(rejections, r => r.Contains("not trusted", StringComparison.Ordinal));
        await Assert.ThrowsAnyAsync<Exception>(() => client.WaitAsync(Timeout));
    }

    [Fact]
    public async Task RunAsync_WrongKey_BothSidesFailWithBadProof()
    {
        var otherKey = "fedcba9876543210fedcba9876543210"u8.ToArray();

        var (serverError, clientError) = await RunBothFailingAsync(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1", key: otherKey));

        Assert.Equal(ProtocolError.BadProof, serverError.Error);
        Assert.Equal(ProtocolError.BadProof, clientError.Error);
        Assert.Equal("bad_proof", serverError.Label);
    }

    [Fact]
    public async Task RunAsync_WrongGroup_BothSidesFailWithWrongGroup()
    {
        var (serverError, clientError) = await RunBothFailingAsync(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-1", group: "api"));

        Assert.Equal(ProtocolError.WrongGroup, serverError.Error);
        Assert.Equal(ProtocolError.WrongGroup, clientError.Error);
    }

    [Fact]
    public async Task RunAsync_NoCommonVersion_BothSidesFailWithVersionMismatch()
    {
        var server = LoopbackHarness.Options("web-0") with { MinVersion = 1, MaxVersion = 1 };
        var client = LoopbackHarness.Options("web-1") with { MinVersion = 2, MaxVersion = 3 };

        var (serverError, clientError) = await RunBothFailingAsync(server, client);

        Assert.Equal(ProtocolError.VersionMismatch, serverError.Error);
        Assert.Equal(ProtocolError.VersionMismatch, clientError.Error);
    }

    [Fact]
    public async Task RunAsync_OverlappingVersions_PicksHighestCommon()
    {
        var server = LoopbackHarness.Options("web-0") with { MinVersion = 1, MaxVersion = 3 };
        var client = LoopbackHarness.Options("web-1") with { MinVersion = 2, MaxVersion = 5 };

        var (serverTask, clientTask) = StartBoth(server, client, PeerTls.Insecure, PeerTls.Insecure);
        await using var serverConnection = await serverTask.WaitAsync(Timeout);
        await using var clientConnection = await clientTask.WaitAsync(Timeout);

        Assert.Equal(3, serverConnection.Version);
        Assert.Equal(3, clientConnection.Version);
    }

    [Fact]
    public async Task RunAsync_SameNodeId_BothSidesFailWithSelfConnection()
    {
        var (serverError, clientError) = await RunBothFailingAsync(LoopbackHarness.Options("web-0"), LoopbackHarness.Options("web-0"));

        Assert.Equal(ProtocolError.SelfConnection, serverError.Error);
        Assert.Equal(ProtocolError.SelfConnection, clientError.Error);
    }

    [Fact]
    public async Task RunAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var client = await _harness.ConnectRawAsync(_timeout.Token).WaitAsync(Timeout);
        await using var stream = await _harness.AcceptStreamAsync(PeerTls.Insecure, _timeout.Token).WaitAsync(Timeout);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        // The raw client never answers: the server's handshake must end when its token fires.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => ProtocolHandshake.RunAsync(stream, HandshakeRole.Responder, LoopbackHarness.Options("web-0"), cancel.Token).WaitAsync(Timeout));
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _harness.Dispose();
    }

    private static X509Certificate2 Issue(CertificateAuthority ca, string node) =>
        ca.Issue(node, TimeProvider.System, TimeSpan.FromHours(1), ["localhost"], [IPAddress.Loopback]);

    private static async Task AssertPingPongAsync(PeerConnection from, PeerConnection to)
    {
        await from.SendAsync(new Ping(77), CancellationToken.None).AsTask().WaitAsync(Timeout);
        var ping = Assert.IsType<Ping>(await to.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
        await to.SendAsync(new Pong(ping.Token), CancellationToken.None).AsTask().WaitAsync(Timeout);
        Assert.Equal(new Pong(77), await from.ReceiveAsync(CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    private (Task<PeerConnection> Server, Task<PeerConnection> Client) StartBoth(HandshakeOptions server, HandshakeOptions client, PeerTls serverTls, PeerTls clientTls) =>
        (_harness.AcceptAsync(server, serverTls, _timeout.Token), _harness.ConnectAsync(client, clientTls, _timeout.Token));

    private async Task<(ProtocolException Server, ProtocolException Client)> RunBothFailingAsync(HandshakeOptions server, HandshakeOptions client)
    {
        var (serverTask, clientTask) = StartBoth(server, client, PeerTls.Insecure, PeerTls.Insecure);
        var serverError = await Assert.ThrowsAsync<ProtocolException>(() => serverTask.WaitAsync(Timeout));
        var clientError = await Assert.ThrowsAsync<ProtocolException>(() => clientTask.WaitAsync(Timeout));
        Assert.False(serverError.ReportedByPeer);
        Assert.False(clientError.ReportedByPeer);
        return (serverError, clientError);
    }
}
