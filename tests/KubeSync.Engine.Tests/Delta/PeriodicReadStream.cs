namespace KubeSync.Engine.Tests.Delta;

/// <summary>
/// A long non-seekable stream generated on the fly from a short pattern: <paramref name="pattern"/> repeated,
/// with one byte changed in every period, so that it is never held whole in memory.
/// </summary>
internal sealed class PeriodicReadStream(byte[] pattern, long length) : ForwardOnlyReadStream
{
    private long _position;

    /// <summary>The byte at <paramref name="offset"/>.</summary>
    public byte At(long offset)
    {
        var inPeriod = (int)(offset % pattern.Length);
        var period = offset / pattern.Length;
        return inPeriod == pattern.Length / 2 ? (byte)(pattern[inPeriod] ^ (byte)(period + 1)) : pattern[inPeriod];
    }

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
}
