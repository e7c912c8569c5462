using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Reads and parses the frames of a connection ahead of its reading loop, on a task of its own: TLS decryption and
/// parsing then run beside the loop that applies what came, instead of in it (receiving the kernel tree, the loop
/// was busy all but 0.35 s of 14.4 s). At most <see cref="Budget"/> bytes of payload wait parsed; past that the
/// task stops reading until the loop takes some, so a fast peer still meets TCP's flow control. An error, or the
/// stream's clean end, reaches the loop after everything read before it, in order.
/// </summary>
internal sealed class ReadAhead : IAsyncDisposable
{
    /// <summary>Payload bytes read ahead at most (one frame more when a single frame is larger).</summary>
    internal const int Budget = 4 * 1024 * 1024;

    private readonly FrameReader _reader;
    private readonly Channel<Item> _items = Channel.CreateUnbounded<Item>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly SemaphoreSlim _space = new(0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _task;
    private long _queued;
    private int _waiting;

    /// <summary>The item that ended the stream (its clean end, or the error): every later receive returns or throws it again.</summary>
    private Item? _end;

    public ReadAhead(FrameReader reader) => _reader = reader;

    /// <summary>Bytes of payload parsed and not yet taken (for tests).</summary>
    internal long Queued => Interlocked.Read(ref _queued);

    /// <summary>The next message, or null at the stream's clean end; throws what the read or the parse threw.</summary>
    public ValueTask<ProtocolMessage?> ReceiveAsync(CancellationToken cancellationToken)
    {
        _task ??= Task.Run(ReadLoopAsync, CancellationToken.None);
        if (!_items.Reader.TryRead(out var item))
        {
            return WaitAsync(cancellationToken);
        }

        try
        {
            return new(Take(item));
        }
        catch (Exception e)
        {
            // The error belongs in the returned task, as when it is awaited.
            return ValueTask.FromException<ProtocolMessage?>(e);
        }
    }

    private async ValueTask<ProtocolMessage?> WaitAsync(CancellationToken cancellationToken)
    {
        if (_end is { } end)
        {
            return Take(end);
        }

        return Take(await _items.Reader.ReadAsync(cancellationToken).ConfigureAwait(false));
    }

    private ProtocolMessage? Take(Item item)
    {
        if (item.Message is null)
        {
            _end = item;
            item.Error?.Throw();
            return null;
        }

        if (Interlocked.Add(ref _queued, -item.Length) <= Budget && Volatile.Read(ref _waiting) == 1 && Interlocked.Exchange(ref _waiting, 0) == 1)
        {
            _space.Release();
        }

        return item.Message;
    }

    private async Task ReadLoopAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (true)
            {
                var (message, length) = await _reader.ReadMessageWithLengthAsync(ct).ConfigureAwait(false);
                if (message is null)
                {
                    _items.Writer.TryWrite(new Item(null, 0, null));
                    return;
                }

                _items.Writer.TryWrite(new Item(message, length, null));
                if (Interlocked.Add(ref _queued, length) > Budget)
                {
                    Volatile.Write(ref _waiting, 1);

                    // The loop may have taken everything between the add and the flag: look again before sleeping.
                    if (Interlocked.Read(ref _queued) > Budget || Interlocked.Exchange(ref _waiting, 0) == 0)
                    {
                        await _space.WaitAsync(ct).ConfigureAwait(false);
                    }
                }
            }
        }
        catch (Exception e)
        {
            _items.Writer.TryWrite(new Item(null, 0, ExceptionDispatchInfo.Capture(e)));
        }
        finally
        {
            _items.Writer.TryComplete();
        }
    }

    /// <summary>Stops the read-ahead task and waits for it (the stream must be disposed first, or a read may hang).</summary>
    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_task is not null)
        {
            await _task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        _stop.Dispose();
        _space.Dispose();
    }

    private readonly record struct Item(ProtocolMessage? Message, int Length, ExceptionDispatchInfo? Error);
}
