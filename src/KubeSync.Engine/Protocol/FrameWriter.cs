using System.Buffers.Binary;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Writes messages as frames to a stream. Writes are serialized, so several tasks of one connection (offers,
/// acks, pings) may send concurrently. A message larger than <see cref="MaxFrameLength"/> is a bug of the
/// caller (<see cref="ArgumentException"/>; nothing of that message is written, but in a batch the frames
/// before it may have been). A cancelled or failed write leaves the stream in an unknown state: close the connection.
/// </summary>
public sealed class FrameWriter : IDisposable
{
    /// <summary>Batched frames are handed to the stream once this many bytes are pending.</summary>
    private const int WriteThreshold = 64 * 1024;

    private readonly Stream _stream;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly PooledBufferWriter _buffer = new(4096);

    /// <param name="stream">The connection; not disposed by the writer.</param>
    /// <param name="maxFrameLength">The largest frame the peer accepts.</param>
    public FrameWriter(Stream stream, int maxFrameLength = ProtocolLimits.DefaultMaxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        MaxFrameLength = ProtocolLimits.ValidateMaxFrameLength(maxFrameLength, nameof(maxFrameLength));
    }

    public int MaxFrameLength { get; }

    /// <summary>Writes one message and flushes.</summary>
    public ValueTask WriteAsync(ProtocolMessage message, CancellationToken cancellationToken) =>
        WriteAsync([message], cancellationToken);

    /// <summary>Writes several messages back to back with as few stream writes as possible, then flushes (windowed offers, acks).</summary>
    public async ValueTask WriteAsync(IReadOnlyList<ProtocolMessage> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _buffer.Clear();
            foreach (var message in messages)
            {
                AppendFrame(message);
                if (_buffer.WrittenCount >= WriteThreshold)
                {
                    await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
                    _buffer.Clear();
                }
            }

            if (_buffer.WrittenCount > 0)
            {
                await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            }

            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _buffer.Clear();
            _lock.Release();
        }
    }

    public void Dispose()
    {
        _buffer.Dispose();
        _lock.Dispose();
    }

    private void AppendFrame(ProtocolMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var start = _buffer.WrittenCount;
        _buffer.GetSpan(ProtocolLimits.FrameHeaderLength);
        _buffer.Advance(ProtocolLimits.FrameHeaderLength);
        MessageCodec.EncodePayload(message, _buffer);
        var length = _buffer.WrittenCount - start - 4;
        if (length > MaxFrameLength)
        {
            throw new ArgumentException($"a {message.Type} frame of {length} bytes exceeds the limit of {MaxFrameLength}", nameof(message));
        }

        var header = _buffer.WrittenSpan.Slice(start, ProtocolLimits.FrameHeaderLength);
        BinaryPrimitives.WriteUInt32BigEndian(header, (uint)length);
        header[4] = (byte)message.Type;
    }
}
