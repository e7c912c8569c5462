namespace KubeSync.Engine.Tests.Delta;

/// <summary>A read-only, non-seekable view of some bytes that returns short reads, like a pipe or a socket.</summary>
internal sealed class NonSeekableReadStream(byte[] data, int maxReadLength = 1000) : ForwardOnlyReadStream
{
    private int _position;

    public override int Read(Span<byte> buffer)
    {
        var count = Math.Min(Math.Min(buffer.Length, maxReadLength), data.Length - _position);
        data.AsSpan(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }
}
