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
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private Task? _task;
    private long _queued;

    /// <summary>Set while the task waits for the loop to take some of what is queued (under <see cref="_gate"/>).</summary>
    private TaskCompletionSource? _space;

    /// <summary>The item that ended the stream (its clean end, or the error): every later receive returns or throws it again.</summary>
    private Item? _end;

    public ReadAhead(FrameReader reader) => _reader = reader;

    /// <summary>Bytes of payload parsed and not yet taken (for tests).</summary>
    internal long Queued
    {
        get
        {
            lock (_gate)
            {
                return _queued;
            }
        }
    }

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

        TaskCompletionSource? space = null;
        lock (_gate)
        {
            _queued -= item.Length;
            if (_queued <= Budget)
            {
                (space, _space) = (_space, null);
            }
        }

        space?.TrySetResult();
        return item.Message;
    }

    private async Task ReadLoopAsync()
    {
        var ct = _stop.Token;
        try
        {
            while (true)
            {
                if (await _reader.ReadFrameAsync(ct).ConfigureAwait(false) is not { } frame)
                {
                    _items.Writer.TryWrite(new Item(null, 0, null));
                    return;
                }

                // Parsed now: the frame's payload buffer is reused by the next read.
                var item = new Item(frame.Decode(), frame.Payload.Length, null);
                Task? space = null;
                lock (_gate)
                {
                    _queued += item.Length;
                    if (_queued > Budget)
                    {
                        _space = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                        space = _space.Task;
                    }
                }

                _items.Writer.TryWrite(item);
                if (space is not null)
                {
                    await space.WaitAsync(ct).ConfigureAwait(false);
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
    }

    private readonly record struct Item(ProtocolMessage? Message, int Length, ExceptionDispatchInfo? Error);
}
