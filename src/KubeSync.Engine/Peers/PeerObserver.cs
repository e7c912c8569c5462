using System.Net;
using System.Security.Cryptography;

using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Engine.Peers;

/// <summary>
/// A connection that reads a peer's index and single files without taking part in the group (docs/protocol.md,
/// "Observers"): it sends only IndexRequest and ReadRequest, never answers the peer's IndexRequest, and so is never
/// registered as a member's session at the peer. It offers protocol version 2 only, so a version 1 peer (which would
/// register any connection at once and replace the member's own session) refuses it in the handshake.
/// Used by <c>kubesync compare</c> and <c>kubesync diff</c>.
/// </summary>
public sealed class PeerObserver : IAsyncDisposable
{
    private readonly PeerConnection _connection;
    private ulong _nextId;

    private PeerObserver(PeerConnection connection) => _connection = connection;

    /// <summary>The peer's node id.</summary>
    public string Peer => _connection.PeerNodeId;

    /// <summary>Dials <paramref name="endPoint"/> and runs the handshake as <paramref name="options"/>' member, within <paramref name="handshakeTimeout"/>.</summary>
    public static async Task<PeerObserver> ConnectAsync(PeerTls tls, HandshakeOptions options, EndPoint endPoint, TimeSpan handshakeTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tls);
        ArgumentNullException.ThrowIfNull(options);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(handshakeTimeout);
        var stream = await tls.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
        try
        {
            var observerOptions = options with { MinVersion = ProtocolVersions.Observers, MaxVersion = Math.Max(options.MaxVersion, ProtocolVersions.Observers) };
            return new PeerObserver(await ProtocolHandshake.RunAsync(stream, HandshakeRole.Initiator, observerOptions, timeout.Token).ConfigureAwait(false));
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The peer's whole index (every path it has a row for, tombstones included) and whether it said it is ready.</summary>
    public async Task<PeerIndex> ReadIndexAsync(CancellationToken cancellationToken)
    {
        await _connection.SendAsync(new IndexRequest(0), cancellationToken).ConfigureAwait(false);
        var entries = new List<WireEntry>();
        while (true)
        {
            var message = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
            if (message is not IndexBatch batch)
            {
                throw new ProtocolException(ProtocolError.UnexpectedMessage, $"{message.Type} while the index was read");
            }

            entries.AddRange(batch.Entries);
            if (!batch.More)
            {
                return new PeerIndex(entries, batch.SenderReady);
            }
        }
    }

    /// <summary>The peer's entry for <paramref name="path"/> and, for a live file of at most <paramref name="maxSize"/> bytes, its content, checked against the entry's hash.</summary>
    public async Task<PeerCopy> ReadFileAsync(SyncPath path, long maxSize, CancellationToken cancellationToken)
    {
        var id = _nextId;
        _nextId += 2;
        await _connection.SendAsync(new ReadRequest(id, path, maxSize), cancellationToken).ConfigureAwait(false);
        var first = await ReceiveAsync(cancellationToken).ConfigureAwait(false);
        switch (first)
        {
            case Refuse refuse when refuse.RequestId == id:
                return new PeerCopy(null, null, refuse.Reason);
            case ReadReply reply when reply.RequestId == id && reply.Entry.Path == path:
                if (!reply.HasContent)
                {
                    return new PeerCopy(reply.Entry, [], null);
                }

                if (reply.Entry.Size > maxSize)
                {
                    throw new ProtocolException(ProtocolError.UnexpectedMessage, $"the peer sends {reply.Entry.Size} bytes of {SyncPath.Printable(path.Value)}, more than the {maxSize} asked for");
                }

                return await ReadContentAsync(id, reply.Entry, cancellationToken).ConfigureAwait(false);
            default:
                throw new ProtocolException(ProtocolError.UnexpectedMessage, $"{first.Type} in answer to ReadRequest {id}");
        }
    }

    private async Task<PeerCopy> ReadContentAsync(ulong id, WireEntry entry, CancellationToken cancellationToken)
    {
        var content = new byte[entry.Size];
        var filled = 0;
        while (filled < content.Length)
        {
            switch (await ReceiveAsync(cancellationToken).ConfigureAwait(false))
            {
                case ReadChunk chunk when chunk.RequestId == id && chunk.Data.Length <= content.Length - filled:
                    chunk.Data.Span.CopyTo(content.AsSpan(filled));
                    filled += chunk.Data.Length;
                    break;
                case Refuse refuse when refuse.RequestId == id:
                    return new PeerCopy(entry, null, refuse.Reason);
                case var other:
                    throw new ProtocolException(ProtocolError.UnexpectedMessage, $"{other.Type} while the content of ReadRequest {id} was read");
            }
        }

        // A large file whose new version the peer has not hashed yet (FileRecord.HashPending) has nothing to check against.
        return entry.Hash is null || SHA256.HashData(content).AsSpan().SequenceEqual(entry.Hash)
            ? new PeerCopy(entry, content, null)
            : new PeerCopy(entry, null, "the copy changed after the peer last scanned it (its content does not match the recorded hash); try again");
    }

    /// <summary>The next message for the observer: pings are answered, the peer's IndexRequest is ignored (an observer has no index to give).</summary>
    private async Task<ProtocolMessage> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var message = await _connection.ReceiveAsync(cancellationToken).ConfigureAwait(false);
            switch (message)
            {
                case null:
                    throw new ProtocolException(ProtocolError.Closed, $"{Peer} closed the connection");
                case Goodbye goodbye:
                    throw new ProtocolException(goodbye.Error ?? ProtocolError.Closed, $"{Peer} said goodbye: {SyncPath.Printable(goodbye.Reason)}", reportedByPeer: true);
                case Ping ping:
                    await _connection.SendAsync(new Pong(ping.Token), cancellationToken).ConfigureAwait(false);
                    break;
                case Pong or IndexRequest:
                    break;
                default:
                    return message;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2)))
        {
            await _connection.CloseAsync(null, "done reading", timeout.Token).ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
