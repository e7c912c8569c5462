using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>A hand-written client speaking raw bytes to a member during the handshake.</summary>
public sealed class HostilePeerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly LoopbackHarness _harness = new();
    private readonly CancellationTokenSource _timeout = new(Timeout);

    public static TheoryData<string, byte[], ProtocolError> HostileInputs => new()
    {
        { "http request", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray(), ProtocolError.OversizeFrame },
        { "oversize frame", Header(0x7FFF_FFFF, MessageType.Hello), ProtocolError.OversizeFrame },
        { "zero length", Header(0, MessageType.Hello), ProtocolError.Malformed },
        { "unknown type", [.. Header(1, (MessageType)99)], ProtocolError.UnknownType },
        { "hello too short", [.. Header(3, MessageType.Hello), 1, 1], ProtocolError.Truncated },
        { "proof before hello", MessageCodec.EncodeFrame(new Proof(new byte[32])), ProtocolError.UnexpectedMessage },
        { "hello with bad nonce", HelloWithNonce(4), ProtocolError.Malformed },
    };

    [Theory]
    [MemberData(nameof(HostileInputs))]
    public async Task Handshake_HostileClient_ServerSaysGoodbyeWithReasonAndKeepsServing(string what, byte[] bytes, ProtocolError expected)
    {
        var server = _harness.AcceptAsync(LoopbackHarness.Options("web-0"), PeerTls.Insecure, _timeout.Token);
        List<ProtocolMessage> received;
        using (var raw = await _harness.ConnectRawAsync(_timeout.Token).WaitAsync(Timeout))
        {
            var stream = raw.GetStream();
            await stream.WriteAsync(bytes, _timeout.Token).AsTask().WaitAsync(Timeout);
            received = await ReadAllAsync(stream);
        }

        var serverError = await Assert.ThrowsAsync<ProtocolException>(() => server.WaitAsync(Timeout));
        Assert.Equal(expected, serverError.Error);
        Assert.IsType<Hello>(received[0]);
        var goodbye = Assert.IsType<Goodbye>(Assert.Single(received, m => m is Goodbye));
        Assert.True(expected == goodbye.Error, $"{what}: the Goodbye says {goodbye.Error}");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Handshake_ClientClosesAtOnce_ServerFailsWithClosed()
    {
        var server = _harness.AcceptAsync(LoopbackHarness.Options("web-0"), PeerTls.Insecure, _timeout.Token);
        using (var raw = await _harness.ConnectRawAsync(_timeout.Token).WaitAsync(Timeout))
        {
            raw.Client.Shutdown(SocketShutdown.Send);

            var error = await Assert.ThrowsAsync<ProtocolException>(() => server.WaitAsync(Timeout));
            Assert.Equal(ProtocolError.Closed, error.Error);
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task Handshake_ClientSendsGoodbye_ServerFailsWithPeerReason()
    {
        var server = _harness.AcceptAsync(LoopbackHarness.Options("web-0"), PeerTls.Insecure, _timeout.Token);
        using var raw = await _harness.ConnectRawAsync(_timeout.Token).WaitAsync(Timeout);
        await raw.GetStream().WriteAsync(MessageCodec.EncodeFrame(new Goodbye(ProtocolError.WrongGroup, "not my group")), _timeout.Token).AsTask().WaitAsync(Timeout);
        raw.Client.Shutdown(SocketShutdown.Send);

        var error = await Assert.ThrowsAsync<ProtocolException>(() => server.WaitAsync(Timeout));

        Assert.Equal(ProtocolError.WrongGroup, error.Error);
        Assert.True(error.ReportedByPeer);
        Assert.Contains("not my group", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Accept_PlaintextClientOnTlsListener_FailsWithTlsAndKeepsServing()
    {
        using var ca = CertificateAuthority.Create("web", TimeProvider.System, TimeSpan.FromDays(1));
        using var certificate = ca.Issue("web-0", TimeProvider.System, TimeSpan.FromHours(1), [], [IPAddress.Loopback]);
        var tls = PeerTls.MutualTls(certificate, ca.Certificate, TimeProvider.System);
        var server = _harness.AcceptAsync(LoopbackHarness.Options("web-0"), tls, _timeout.Token);
        using (var raw = await _harness.ConnectRawAsync(_timeout.Token).WaitAsync(Timeout))
        {
            await raw.GetStream().WriteAsync(MessageCodec.EncodeFrame(new Ping(1)), _timeout.Token).AsTask().WaitAsync(Timeout);

            var error = await Assert.ThrowsAsync<ProtocolException>(() => server.WaitAsync(Timeout));
            Assert.Equal(ProtocolError.Tls, error.Error);
        }

        await AssertStillServesAsync();
    }

    public void Dispose()
    {
        _timeout.Dispose();
        _harness.Dispose();
    }

    private static byte[] Header(uint length, MessageType type)
    {
        var header = new byte[ProtocolLimits.FrameHeaderLength];
        BinaryPrimitives.WriteUInt32BigEndian(header, length);
        header[4] = (byte)type;
        return header;
    }

    private static byte[] HelloWithNonce(int nonceLength)
    {
        var payload = ProtocolTestData.Raw(p => p.Varint(1).Varint(1).Text("web").Text("evil").Blob(new byte[nonceLength]));
        return [.. Header((uint)payload.Length + 1, MessageType.Hello), .. payload];
    }

    private async Task<List<ProtocolMessage>> ReadAllAsync(NetworkStream stream)
    {
        using var reader = new FrameReader(stream);
        var messages = new List<ProtocolMessage>();
        while (await reader.ReadMessageAsync(_timeout.Token).AsTask().WaitAsync(Timeout) is { } message)
        {
            messages.Add(message);
        }

        return messages;
    }

    private async Task AssertStillServesAsync()
    {
        var server = _harness.AcceptAsync(LoopbackHarness.Options("web-0"), PeerTls.Insecure, _timeout.Token);
        var client = _harness.ConnectAsync(LoopbackHarness.Options("web-1"), PeerTls.Insecure, _timeout.Token);
        await using var serverConnection = await server.WaitAsync(Timeout);
        await using var clientConnection = await client.WaitAsync(Timeout);
        Assert.Equal("web-1", serverConnection.PeerNodeId);
    }
}
