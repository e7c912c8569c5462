using System.Buffers;
using System.Security.Cryptography;

using KubeSync.Engine.FileSystem;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Passes writes through to an inner stream while hashing them (SHA-256), so received content is verified without
/// reading it back. Given the file being written, it starts the kernel's writeback every
/// <see cref="WritebackInterval"/> bytes, so a large file is mostly on disk by the time the fsync before its
/// rename runs (the kernel alone would wait until a tenth of memory is dirty). Given a buffer length, it gathers
/// small writes in a buffer rented from the shared pool (a receiver stages one stream per file, and a buffer of its
/// own would be a large-object allocation each time); callers flush before they take the hash, and disposing does
/// not write what is still buffered.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    internal const long WritebackInterval = 8 * 1024 * 1024;

    private readonly Stream _inner;
    private readonly SafeFileHandle? _file;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _nextWriteback = WritebackInterval;
    private byte[]? _buffer;
    private int _buffered;

    public HashingWriteStream(Stream inner, SafeFileHandle? file = null, int bufferLength = 0)
    {
        _inner = inner;
        _file = file;
        _buffer = bufferLength > 0 ? ArrayPool<byte>.Shared.Rent(bufferLength) : null;
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
        Written += buffer.Length;
        if (_buffer is { } gather && buffer.Length < gather.Length)
        {
            if (_buffered + buffer.Length > gather.Length)
            {
                WriteBuffered();
            }

            buffer.CopyTo(gather.AsSpan(_buffered));
            _buffered += buffer.Length;
            return;
        }

        WriteBuffered();
        _inner.Write(buffer);
        StartWriteback();
    }

    /// <summary>
    /// Writes synchronously: the inner stream is a local file, where a write is a copy into the page cache. An async
    /// write to such a file runs the same write on a thread-pool thread, which adds a hand-off and a context switch
    /// per write and saves the caller nothing.
    /// </summary>
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Write(buffer.Span);
        return ValueTask.CompletedTask;
    }

    private void WriteBuffered()
    {
        if (_buffered > 0)
        {
            _inner.Write(_buffer.AsSpan(0, _buffered));
            _buffered = 0;
            StartWriteback();
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        WriteBuffered();
        _inner.Flush();
    }

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

    public override Task FlushAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Flush();
        return Task.CompletedTask;
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _hash.Dispose();
            if (_buffer is { } buffer)
            {
                _buffer = null;
                _buffered = 0;
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }

        base.Dispose(disposing);
    }
}
