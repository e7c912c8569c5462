namespace KubeSync.Kubernetes.Tests.Watching;

/// <summary>A read-only stream that hands out at most a few bytes per read, as a slow network does.</summary>
internal sealed class TrickleStream : MemoryStream
{
    private readonly int _chunk;

    public TrickleStream(byte[] content, int chunk)
        : base(content)
    {
        _chunk = chunk;
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        base.ReadAsync(buffer[..Math.Min(buffer.Length, _chunk)], cancellationToken);
}
