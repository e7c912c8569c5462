using System.Net.Security;

using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// A connection that has passed the handshake: the peer is a member of the group (it proved the key), with
/// a known node id and a negotiated protocol version. Owns the stream. Sends may run concurrently; receives
/// must not (one reading loop per connection).
/// </summary>
public sealed class PeerConnection : IAsyncDisposable
{
    private readonly Stream _stream;
    private readonly FrameReader _reader;
    private readonly ReadAhead _readAhead;
    private readonly FrameWriter _writer;

    internal PeerConnection(Stream stream, FrameReader reader, FrameWriter writer, HandshakeRole role, string peerNodeId, int version)
    {
        _stream = stream;
        _reader = reader;
        _readAhead = new ReadAhead(reader);
        _writer = writer;
        Role = role;
        PeerNodeId = peerNodeId;
        Version = version;
        PeerCertificateSubject = (stream as SslStream)?.RemoteCertificate?.Subject;
    }

    /// <summary>Whether this member opened the connection (<see cref="HandshakeRole.Initiator"/>) or accepted it.</summary>
    public HandshakeRole Role { get; }

    /// <summary>The group both ends proved membership of.</summary>
    public string Group { get; init; } = "";

    /// <summary>The node id the peer announced and proved with the group key.</summary>
    public string PeerNodeId { get; }

    /// <summary>The negotiated protocol version.</summary>
    public int Version { get; }

    /// <summary>
    /// The subject of the peer's TLS certificate (already validated against the group CA), or null in
    /// insecure mode. The handshake does not compare it with <see cref="PeerNodeId"/>; a caller that issues
    /// certificates per node may.
    /// </summary>
    public string? PeerCertificateSubject { get; }

    /// <summary>Sends one message.</summary>
    public ValueTask SendAsync(ProtocolMessage message, CancellationToken cancellationToken) =>
        _writer.WriteAsync(message, cancellationToken);

    /// <summary>Sends several messages in as few writes as possible.</summary>
    public ValueTask SendAsync(IReadOnlyList<ProtocolMessage> messages, CancellationToken cancellationToken) =>
        _writer.WriteAsync(messages, cancellationToken);

    /// <summary>
    /// The next message, or null when the peer closed the stream between frames. A Goodbye is returned as a
    /// message (the caller decides how to log it); a protocol violation throws <see cref="ProtocolException"/>.
    /// Frames are read and parsed ahead (<see cref="ReadAhead"/>) from the first call on: a message already
    /// parsed completes synchronously. After the end (or an error) every call returns null (or throws) again.
    /// </summary>
    public ValueTask<ProtocolMessage?> ReceiveAsync(CancellationToken cancellationToken) =>
        _readAhead.ReceiveAsync(cancellationToken);

    /// <summary>Sends a Goodbye with <paramref name="error"/> (null: an orderly close), ignoring a peer that is already gone.</summary>
    public Task CloseAsync(ProtocolError? error, string reason, CancellationToken cancellationToken) =>
        ProtocolHandshake.TrySendGoodbyeAsync(_writer, error, reason, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync().ConfigureAwait(false);
        await _readAhead.DisposeAsync().ConfigureAwait(false);
        _reader.Dispose();
        _writer.Dispose();
    }
}
