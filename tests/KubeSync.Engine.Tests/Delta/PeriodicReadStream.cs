namespace KubeSync.Engine.Tests.Delta;

/// <summary>
/// A long non-seekable stream generated on the fly from a short pattern: <paramref name="pattern"/> repeated,
/// with one byte changed in every period, so that it is never held whole in memory.
/// </summary>
internal sealed class PeriodicReadStream(byte[] pattern, long length) : Stream
{
    private long _position;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>The byte at <paramref name="offset"/>.</summary>
    public byte At(long offset)
    {
        var inPeriod = (int)(offset % pattern.Length);
        var period = offset / pattern.Length;
        return inPeriod == pattern.Length / 2 ? (byte)(pattern[inPeriod] ^ (byte)(period + 1)) : pattern[inPeriod];
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var count = (int)Math.Min(buffer.Length, length - _position);
        for (var done = 0; done < count;)
        {
            var offset = _position + done;
            var inPeriod = (int)(offset % pattern.Length);
            var piece = Math.Min(count - done, pattern.Length - inPeriod);
            pattern.AsSpan(inPeriod, piece).CopyTo(buffer[done..]);
            var changed = (pattern.Length / 2) - inPeriod;
            if (changed >= 0 && changed < piece)
            {
                buffer[done + changed] = At(offset + changed);
            }

            done += piece;
        }

        _position += count;
        return count;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        Task.FromResult(Read(buffer.AsSpan(offset, count)));

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
