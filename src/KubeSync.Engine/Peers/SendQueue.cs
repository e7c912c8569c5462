using System.Threading.Channels;

using KubeSync.Engine.Protocol;

namespace KubeSync.Engine.Peers;

/// <summary>
/// The only writer of a connection. Replies (acks, needs, pongs) are queued without waiting, so the receiving loop
/// never blocks on the network: two members that both stream to each other cannot deadlock on full socket
/// buffers. Bulk messages (offers, delta chunks, index batches) wait for one of a bounded number of slots,
/// which bounds the memory a slow peer can make this member hold. Everything queued at one moment goes out in one
/// write and one flush.
/// </summary>
internal sealed class SendQueue : IDisposable
{
    private const int MaxBatch = 128;

    private readonly Channel<(ProtocolMessage Message, bool Bulk)> _queue = Channel.CreateUnbounded<(ProtocolMessage, bool)>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SemaphoreSlim _bulkSlots;

    public SendQueue(int bulkSlots) => _bulkSlots = new SemaphoreSlim(bulkSlots, bulkSlots);

    /// <summary>Queues a reply; never waits.</summary>
    public void Reply(ProtocolMessage message) => _queue.Writer.TryWrite((message, false));

    /// <summary>Queues a bulk message, waiting while too many are queued.</summary>
    public async ValueTask SendBulkAsync(ProtocolMessage message, CancellationToken cancellationToken)
    {
        await _bulkSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        if (!_queue.Writer.TryWrite((message, true)))
        {
            _bulkSlots.Release();
            throw new OperationCanceledException("the connection is closing");
        }
    }

    /// <summary>Writes until <paramref name="cancellationToken"/> or a failed write.</summary>
    public async Task RunAsync(PeerConnection connection, CancellationToken cancellationToken)
    {
        var batch = new List<ProtocolMessage>(MaxBatch);
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            batch.Clear();
            var bulk = 0;
            while (batch.Count < MaxBatch && reader.TryRead(out var item))
            {
                batch.Add(item.Message);
                bulk += item.Bulk ? 1 : 0;
            }

            await connection.SendAsync(batch, cancellationToken).ConfigureAwait(false);
            if (bulk > 0)
            {
                _bulkSlots.Release(bulk);
            }
        }
    }

    public void Complete() => _queue.Writer.TryComplete();

    public void Dispose() => _bulkSlots.Dispose();
}
