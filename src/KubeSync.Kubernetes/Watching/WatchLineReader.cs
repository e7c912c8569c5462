using System.Buffers;

namespace KubeSync.Kubernetes.Watching;

/// <summary>
/// Splits a watch stream into lines (one JSON event each) without trusting its lengths: a line longer than
/// the limit fails with <see cref="InvalidDataException"/> instead of growing a buffer without bound.
/// </summary>
internal sealed class WatchLineReader
{
    /// <summary>The API server caps objects near 1.5 MiB (etcd's request limit); 16 MiB leaves room and still bounds memory.</summary>
    public const int DefaultMaxLineBytes = 16 * 1024 * 1024;

    private readonly Stream _stream;
    private readonly int _maxLineBytes;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private readonly ArrayBufferWriter<byte> _line = new();
    private int _start;
    private int _end;

    public WatchLineReader(Stream stream, int maxLineBytes = DefaultMaxLineBytes)
    {
        _stream = stream;
        _maxLineBytes = maxLineBytes;
    }

    /// <summary>The next line without its line ending, valid until the next call; null at the end of the stream.</summary>
    public async ValueTask<ReadOnlyMemory<byte>?> ReadLineAsync(CancellationToken cancellationToken)
    {
        _line.ResetWrittenCount();
        while (true)
        {
            var pending = _buffer.AsMemory(_start, _end - _start);
            var newline = pending.Span.IndexOf((byte)'\n');
            if (newline >= 0)
            {
                Append(pending.Span[..newline]);
                _start += newline + 1;
                return Line();
            }

            Append(pending.Span);
            _start = _end = 0;
            var read = await _stream.ReadAsync(_buffer, cancellationToken);
            if (read == 0)
            {
                // Spelled out: in a conditional, null would become an empty ReadOnlyMemory (via byte[]), not "no line".
                if (_line.WrittenCount == 0)
                {
                    return null;
                }

                return Line();
            }

            _end = read;
        }
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (_line.WrittenCount + bytes.Length > _maxLineBytes)
        {
            throw new InvalidDataException($"watch: an event is longer than {_maxLineBytes} bytes");
        }

        _line.Write(bytes);
    }

    private ReadOnlyMemory<byte> Line()
    {
        var line = _line.WrittenMemory;
        return line.Length > 0 && line.Span[^1] == (byte)'\r' ? line[..^1] : line;
    }
}
