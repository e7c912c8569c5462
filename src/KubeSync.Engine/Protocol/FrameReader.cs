using System.Buffers;
using System.Buffers.Binary;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Reads frames (<c>[u32 big-endian length][u8 type][payload]</c>, the length counting the type byte and the
/// payload) from a stream. The length and type are checked before the payload is read, and the payload
/// buffer is rented only once the length is known to be within <see cref="MaxFrameLength"/>: a hostile
/// length prefix cannot cause an allocation. Not thread-safe: one reader per connection, one read at a time.
/// A cancelled or failed read may stop inside a frame: the connection is then unusable.
/// </summary>
public sealed class FrameReader : IDisposable
{
    /// <summary>A payload buffer larger than this is returned to the pool before the next read, so idle connections stay small.</summary>
    private const int RetainedBufferLength = 128 * 1024;

    private readonly Stream _stream;
    private readonly byte[] _header = new byte[ProtocolLimits.FrameHeaderLength];
    private byte[] _buffer = [];

    /// <param name="stream">The connection; not disposed by the reader.</param>
    /// <param name="maxFrameLength">The largest length prefix accepted (<see cref="ProtocolLimits.MinMaxFrameLength"/>..<see cref="ProtocolLimits.MaxMaxFrameLength"/>).</param>
    public FrameReader(Stream stream, int maxFrameLength = ProtocolLimits.DefaultMaxFrameLength)
    {
        ArgumentNullException.ThrowIfNull(stream);
        _stream = stream;
        MaxFrameLength = ProtocolLimits.ValidateMaxFrameLength(maxFrameLength, nameof(maxFrameLength));
    }

    public int MaxFrameLength { get; }

    /// <summary>
    /// The next frame, or null when the stream ends cleanly between frames. The payload is valid until the
    /// next call. A bad header or an end of stream inside a frame throws <see cref="ProtocolException"/>.
    /// </summary>
    public async ValueTask<Frame?> ReadFrameAsync(CancellationToken cancellationToken)
    {
        ReleaseLargeBuffer();
        var headerRead = await _stream.ReadAtLeastAsync(_header, _header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (headerRead == 0)
        {
            return null;
        }

        if (headerRead < _header.Length)
        {
            throw new ProtocolException(ProtocolError.Truncated, $"the stream ended inside a frame header ({headerRead} of {_header.Length} bytes)");
        }

        var type = CheckHeader(BinaryPrimitives.ReadUInt32BigEndian(_header), _header[4]);
        var payloadLength = (int)BinaryPrimitives.ReadUInt32BigEndian(_header) - 1;
        if (_buffer.Length < payloadLength)
        {
            ReturnBuffer();
            _buffer = ArrayPool<byte>.Shared.Rent(payloadLength);
        }

        var payload = _buffer.AsMemory(0, payloadLength);
        var read = await _stream.ReadAtLeastAsync(payload, payloadLength, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
        if (read < payloadLength)
        {
            throw new ProtocolException(ProtocolError.Truncated, $"the stream ended inside a {type} frame ({read} of {payloadLength} payload bytes)");
        }

        return new Frame(type, payload);
    }

    /// <summary>The next message, parsed and owning its bytes, or null when the stream ends cleanly between frames.</summary>
    public async ValueTask<ProtocolMessage?> ReadMessageAsync(CancellationToken cancellationToken)
    {
        var frame = await ReadFrameAsync(cancellationToken).ConfigureAwait(false);
        return frame?.Decode();
    }

    public void Dispose() => ReturnBuffer();

    private MessageType CheckHeader(uint length, byte type)
    {
        if (length == 0)
        {
            throw new ProtocolException(ProtocolError.Malformed, "frame length 0 (the length counts the type byte, so it is at least 1)");
        }

        if (length > (uint)MaxFrameLength)
        {
            throw new ProtocolException(ProtocolError.OversizeFrame, $"frame length {length} exceeds the limit of {MaxFrameLength} bytes");
        }

        if (!MessageCodec.IsKnown(type))
        {
            throw new ProtocolException(ProtocolError.UnknownType, $"unknown message type {type}");
        }

        return (MessageType)type;
    }

    private void ReleaseLargeBuffer()
    {
        if (_buffer.Length > RetainedBufferLength)
        {
            ReturnBuffer();
        }
    }

    private void ReturnBuffer()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
        }

        _buffer = [];
    }
}
