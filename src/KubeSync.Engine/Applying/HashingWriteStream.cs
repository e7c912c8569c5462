using System.Security.Cryptography;

using KubeSync.Engine.FileSystem;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Passes writes through to an inner stream while hashing them (SHA-256), so received content is verified without
/// reading it back. Given the file being written, it starts the kernel's writeback every
/// <see cref="WritebackInterval"/> bytes, so a large file is mostly on disk by the time the fsync before its
/// rename runs (the kernel alone would wait until a tenth of memory is dirty).
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    internal const long WritebackInterval = 8 * 1024 * 1024;

    private readonly Stream _inner;
    private readonly SafeFileHandle? _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _nextWriteback = WritebackInterval;

    public HashingWriteStream(Stream inner, SafeFileHandle? file = null)
    {
        _inner = inner;
        _file = file;
    }

    public long Written { get; private set; }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    public byte[] GetHash() => _hash.GetCurrentHash();

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        _inner.Write(buffer);
        Written += buffer.Length;
        StartWriteback();
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        _hash.AppendData(buffer.Span);
        await _inner.WriteAsync(buffer, cancellationToken);
        Written += buffer.Length;
        StartWriteback();
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush() => _inner.Flush();

    private void StartWriteback()
    {
        if (_file is null || Written < _nextWriteback)
        {
            return;
        }

        // Without a wait flag this only queues the dirty pages for writing; it returns at once.
        _ = LibC.SyncFileRange((int)_file.DangerousGetHandle(), 0, 0, LibC.SyncFileRangeWrite);
        _nextWriteback = Written + WritebackInterval;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
        }

        base.Dispose(disposing);
    }
}
