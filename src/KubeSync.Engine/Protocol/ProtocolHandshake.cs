using System.Security.Authentication;

using KubeSync.Engine.Paths;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The Hello/Proof handshake over an established stream (TLS, or plaintext in insecure mode):
/// <list type="number">
/// <item>both sides send Hello{versions, group, node id, nonce} and read the other's;</item>
/// <item>each checks the group, picks the highest common version, and refuses its own node id;</item>
/// <item>both send Proof{<see cref="HandshakeProof.Compute"/> with their own role} and verify the other's
/// with the other's role.</item>
/// </list>
/// A failure detected here is sent to the peer in a Goodbye (best effort) and thrown as
/// <see cref="ProtocolException"/>; a Goodbye from the peer is thrown with its reason and
/// <see cref="ProtocolException.ReportedByPeer"/> set. Time limits come from the cancellation token.
/// </summary>
public static class ProtocolHandshake
{
    /// <summary>
    /// Runs the handshake as <paramref name="role"/> (<see cref="HandshakeRole.Initiator"/> for the side that
    /// connected). On success the returned connection owns <paramref name="stream"/>; on failure the caller
    /// still owns it and should dispose it.
    /// </summary>
    public static Task<PeerConnection> RunAsync(Stream stream, HandshakeRole role, HandshakeOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (role is not (HandshakeRole.Initiator or HandshakeRole.Responder))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "unknown handshake role");
        }

        return RunAsync(stream, role, options, null, cancellationToken);
    }

    /// <summary>
    /// Runs the handshake as the responder of a member that serves several groups on one port: the initiator's
    /// Hello is read first and <paramref name="selectGroup"/> picks the options of the group it names (null: this
    /// member is not in that group, which fails as <see cref="ProtocolError.WrongGroup"/>). The initiator cannot
    /// tell the difference: it always sends its Hello before reading.
    /// </summary>
    public static Task<PeerConnection> AcceptAsync(Stream stream, Func<string, HandshakeOptions?> selectGroup, int maxFrameLength, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selectGroup);
        ProtocolLimits.ValidateMaxFrameLength(maxFrameLength, nameof(maxFrameLength));
        return RunAsync(stream, HandshakeRole.Responder, new HandshakeOptions("-", "-", new byte[HandshakeProof.MinKeyLength]) { MaxFrameLength = maxFrameLength }, selectGroup, cancellationToken);
    }

    private static async Task<PeerConnection> RunAsync(Stream stream, HandshakeRole role, HandshakeOptions options, Func<string, HandshakeOptions?>? selectGroup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var reader = new FrameReader(stream, options.MaxFrameLength);
        var writer = new FrameWriter(stream, options.MaxFrameLength);
        try
        {
            Hello? peerHello = null;
            if (selectGroup is not null)
            {
                peerHello = await ReceiveAsync<Hello>(reader, cancellationToken).ConfigureAwait(false);
                options = selectGroup(peerHello.Group)
                    ?? throw new ProtocolException(ProtocolError.WrongGroup, $"peer '{SyncPath.Printable(peerHello.NodeId)}' asked for group '{SyncPath.Printable(peerHello.Group)}', which this member does not serve");
                options.Validate();
            }

            var hello = new Hello(options.MinVersion, options.MaxVersion, options.Group, options.NodeId, HandshakeProof.CreateNonce());
            await writer.WriteAsync(hello, cancellationToken).ConfigureAwait(false);
            peerHello ??= await ReceiveAsync<Hello>(reader, cancellationToken).ConfigureAwait(false);
            var version = CheckHello(options, peerHello);
            await ExchangeProofsAsync(reader, writer, role, options, hello, peerHello, cancellationToken).ConfigureAwait(false);
            return new PeerConnection(stream, reader, writer, role, peerHello.NodeId, version) { Group = options.Group };
        }
        catch (ProtocolException error) when (!error.ReportedByPeer && error.Error != ProtocolError.Closed)
        {
            await TrySendGoodbyeAsync(writer, error.Error, error.Message, cancellationToken).ConfigureAwait(false);
            reader.Dispose();
            writer.Dispose();
            throw;
        }
        catch (AuthenticationException error)
        {
            // With TLS 1.3 a client learns that the server refused its certificate only on its first read.
            reader.Dispose();
            writer.Dispose();
            throw new ProtocolException(ProtocolError.Tls, $"TLS failed during the handshake: {error.Message}", error);
        }
        catch
        {
            reader.Dispose();
            writer.Dispose();
            throw;
        }
    }

    /// <summary>
    /// The handshake did not finish within <paramref name="limit"/>: tells the peer so with <c>Goodbye{timeout}</c> (best
    /// effort, for at most two seconds) before the caller closes <paramref name="stream"/>.
    /// </summary>
    public static async Task SendTimeoutGoodbyeAsync(Stream stream, int maxFrameLength, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var writer = new FrameWriter(stream, maxFrameLength);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
        await TrySendGoodbyeAsync(writer, ProtocolError.Timeout, $"the handshake did not finish within {limit.TotalSeconds:0.###} s (timing.handshake)", timeout.Token).ConfigureAwait(false);
    }

    /// <summary>Sends a Goodbye, ignoring a peer that has gone, a broken stream or cancellation: the connection is closing anyway.</summary>
    internal static async Task TrySendGoodbyeAsync(FrameWriter writer, ProtocolError? error, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await writer.WriteAsync(new Goodbye(error, reason), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception failure) when (failure is IOException or ObjectDisposedException or OperationCanceledException or NotSupportedException or InvalidOperationException)
        {
            // Best effort: the peer may have closed first (it detected the same problem).
        }
    }

    private static int CheckHello(HandshakeOptions options, Hello peer)
    {
        if (!string.Equals(peer.Group, options.Group, StringComparison.Ordinal))
        {
            throw new ProtocolException(ProtocolError.WrongGroup, $"peer '{SyncPath.Printable(peer.NodeId)}' is in group '{SyncPath.Printable(peer.Group)}', not '{options.Group}'");
        }

        var version = Math.Min(options.MaxVersion, peer.MaxVersion);
        if (version < Math.Max(options.MinVersion, peer.MinVersion))
        {
            throw new ProtocolException(ProtocolError.VersionMismatch, $"peer '{SyncPath.Printable(peer.NodeId)}' speaks protocol versions {peer.MinVersion}..{peer.MaxVersion}, this member {options.MinVersion}..{options.MaxVersion}");
        }

        if (string.Equals(peer.NodeId, options.NodeId, StringComparison.Ordinal))
        {
            throw new ProtocolException(ProtocolError.SelfConnection, $"peer has this member's own node id '{options.NodeId}'");
        }

        return version;
    }

    private static async Task ExchangeProofsAsync(FrameReader reader, FrameWriter writer, HandshakeRole role, HandshakeOptions options, Hello mine, Hello theirs, CancellationToken cancellationToken)
    {
        var (initiator, responder) = role == HandshakeRole.Initiator ? (mine, theirs) : (theirs, mine);
        var key = options.GroupKey.Span;
        var proof = HandshakeProof.Compute(key, role, initiator.NodeId, initiator.Nonce, responder.NodeId, responder.Nonce);
        await writer.WriteAsync(new Proof(proof), cancellationToken).ConfigureAwait(false);

        var peerProof = await ReceiveAsync<Proof>(reader, cancellationToken).ConfigureAwait(false);
        var peerRole = role == HandshakeRole.Initiator ? HandshakeRole.Responder : HandshakeRole.Initiator;
        if (!HandshakeProof.Verify(options.GroupKey.Span, peerRole, initiator.NodeId, initiator.Nonce, responder.NodeId, responder.Nonce, peerProof.Hmac))
        {
            throw new ProtocolException(ProtocolError.BadProof, $"peer '{SyncPath.Printable(theirs.NodeId)}' failed the handshake proof: it does not hold the group key");
        }
    }

    private static async Task<T> ReceiveAsync<T>(FrameReader reader, CancellationToken cancellationToken)
        where T : ProtocolMessage
    {
        var message = await reader.ReadMessageAsync(cancellationToken).ConfigureAwait(false);
        return message switch
        {
            T expected => expected,
            null => throw new ProtocolException(ProtocolError.Closed, $"the peer closed the connection during the handshake, before its {typeof(T).Name}"),
            Goodbye goodbye => throw new ProtocolException(goodbye.Error ?? ProtocolError.Closed, $"the peer closed the connection during the handshake: {SyncPath.Printable(goodbye.Reason)}", reportedByPeer: true),
            _ => throw new ProtocolException(ProtocolError.UnexpectedMessage, $"expected {typeof(T).Name} during the handshake, got {message.Type}"),
        };
    }
}
