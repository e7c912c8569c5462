using System.Net;
using System.Net.Sockets;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Protocol;

/// <summary>A listener on 127.0.0.1 and the two ends of the protocol over real TCP connections.</summary>
internal sealed class LoopbackHarness : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public LoopbackHarness() => _listener.Start();

    public IPEndPoint EndPoint => (IPEndPoint)_listener.LocalEndpoint;

    /// <summary>Accepts one connection and returns its stream, without a handshake.</summary>
    public Task<Stream> AcceptStreamAsync(PeerTls tls, CancellationToken cancellationToken) => tls.AcceptAsync(_listener.Server, cancellationToken);

    /// <summary>Accepts one connection and runs the handshake as responder; on failure the stream is closed and the error rethrown.</summary>
    public async Task<PeerConnection> AcceptAsync(HandshakeOptions options, PeerTls tls, CancellationToken cancellationToken)
    {
        var stream = await tls.AcceptAsync(_listener.Server, cancellationToken);
        return await HandshakeOrCloseAsync(stream, HandshakeRole.Responder, options, cancellationToken);
    }

    /// <summary>Connects and runs the handshake as initiator; on failure the stream is closed and the error rethrown.</summary>
    public async Task<PeerConnection> ConnectAsync(HandshakeOptions options, PeerTls tls, CancellationToken cancellationToken)
    {
        var stream = await tls.ConnectAsync(EndPoint, cancellationToken);
        return await HandshakeOrCloseAsync(stream, HandshakeRole.Initiator, options, cancellationToken);
    }

    /// <summary>A plain TCP client for speaking raw bytes, as a hostile peer does.</summary>
    public async Task<TcpClient> ConnectRawAsync(CancellationToken cancellationToken)
    {
        var client = new TcpClient();
        await client.ConnectAsync(EndPoint, cancellationToken);
        return client;
    }

    public void Dispose() => _listener.Stop();

    public static HandshakeOptions Options(string node, string group = "web", byte[]? key = null) =>
        new(group, node, key ?? TestKey);

    public static byte[] TestKey { get; } = "0123456789abcdef0123456789abcdef"u8.ToArray();

    private static async Task<PeerConnection> HandshakeOrCloseAsync(Stream stream, HandshakeRole role, HandshakeOptions options, CancellationToken cancellationToken)
    {
        try
        {
            return await ProtocolHandshake.RunAsync(stream, role, options, cancellationToken);
        }
        catch
        {
            await LingeringCloseAsync(stream);
            throw;
        }
    }

    /// <summary>
    /// Closes the sending side, then drains what the peer still sends for a moment: closing a socket with
    /// unread input makes the kernel send a reset, which can destroy the Goodbye before the peer reads it.
    /// </summary>
    private static async Task LingeringCloseAsync(Stream stream)
    {
        using var drain = new CancellationTokenSource(TimeSpan.FromSeconds(1));
        try
        {
            if (stream is NetworkStream network)
            {
                network.Socket.Shutdown(SocketShutdown.Send);
            }

            var buffer = new byte[4096];
            while (await stream.ReadAsync(buffer, drain.Token) > 0)
            {
            }
        }
        catch (Exception error) when (error is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The peer is gone or too slow: close anyway.
        }

        await stream.DisposeAsync();
    }
}
