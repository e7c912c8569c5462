using System.Net;
using System.Net.Sockets;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A hand-written peer: writes raw bytes to a member, reads the member's frames with the product's reader, and can run
/// the Hello/Proof handshake by hand (as the initiator) before misbehaving. Every wait has a deadline.
/// </summary>
internal sealed class HostileClient : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly Socket _socket;
    private readonly FrameReader _reader;
    private readonly CancellationTokenSource _deadline = new(Timeout);

    private HostileClient(Socket socket, Stream stream)
    {
        _socket = socket;
        Stream = stream;
        _reader = new FrameReader(stream);
        LocalEndPoint = (IPEndPoint)socket.LocalEndPoint!;
    }

    public Stream Stream { get; }

    /// <summary>The client's address as the member logs it (<c>refused a connection from 127.0.0.1:PORT</c>).</summary>
    public IPEndPoint LocalEndPoint { get; }

    /// <summary>Everything the member sent so far.</summary>
    public List<ProtocolMessage> Received { get; } = [];

    private CancellationToken Token => _deadline.Token;

    /// <summary>Connects in plaintext, or over <paramref name="tls"/> (the TLS handshake completes before this returns).</summary>
    public static async Task<HostileClient> ConnectAsync(int port, PeerTls? tls = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            using var timeout = new CancellationTokenSource(Timeout);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port), timeout.Token);
            var stream = await (tls ?? PeerTls.Insecure).AuthenticateAsync(socket, client: true, null, timeout.Token);
            return new HostileClient(socket, stream);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    public async Task SendAsync(byte[] bytes)
    {
        await Stream.WriteAsync(bytes, Token).AsTask().WaitAsync(Timeout);
        await Stream.FlushAsync(Token).WaitAsync(Timeout);
    }

    /// <summary>Runs the handshake by hand as the initiator named <paramref name="node"/>; returns the member's node id.</summary>
    public async Task<string> HandshakeAsync(string group, string node, byte[] key, int maxVersion = ProtocolVersions.Max)
    {
        var nonce = HandshakeProof.CreateNonce();
        await SendAsync(HostileFrames.Hello(group, node, nonce, maxVersion));
        var hello = await ReceiveAsync<Hello>();
        await SendAsync(HostileFrames.Proof(HandshakeProof.Compute(key, HandshakeRole.Initiator, node, nonce, hello.NodeId, hello.Nonce)));
        await ReceiveAsync<Proof>();
        return hello.NodeId;
    }

    /// <summary>Reads until a <typeparamref name="T"/> that matches arrives (skipping what the member pushes meanwhile).</summary>
    public async Task<T> ReceiveAsync<T>(Func<T, bool>? match = null)
        where T : ProtocolMessage
    {
        while (true)
        {
            var message = await _reader.ReadMessageAsync(Token).AsTask().WaitAsync(Timeout)
                ?? throw new InvalidOperationException($"the member closed the connection before sending a {typeof(T).Name}; received: {Describe()}");
            Received.Add(message);
            if (message is Goodbye && typeof(T) != typeof(Goodbye))
            {
                throw new InvalidOperationException($"the member said goodbye while a {typeof(T).Name} was expected: {message}");
            }

            if (message is T wanted && (match is null || match(wanted)))
            {
                return wanted;
            }
        }
    }

    /// <summary>Reads until the member closes the connection; returns its Goodbye (null when it sent none).</summary>
    public async Task<Goodbye?> ReadUntilClosedAsync()
    {
        try
        {
            while (await _reader.ReadMessageAsync(Token).AsTask().WaitAsync(Timeout) is { } message)
            {
                Received.Add(message);
            }
        }
        catch (IOException)
        {
            // A reset after the Goodbye: what was read is what counts.
        }

        return Received.OfType<Goodbye>().LastOrDefault();
    }

    /// <summary>Whether the member closed the connection (EOF or reset) within <paramref name="wait"/>.</summary>
    public async Task<bool> IsClosedWithinAsync(TimeSpan wait)
    {
        var buffer = new byte[1];
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            return await Stream.ReadAsync(buffer, timeout.Token) == 0;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public string Describe() => string.Join(", ", Received.Select(m => m.Type.ToString()));

    public async ValueTask DisposeAsync()
    {
        _reader.Dispose();
        await Stream.DisposeAsync();
        _socket.Dispose();
        _deadline.Dispose();
    }
}
