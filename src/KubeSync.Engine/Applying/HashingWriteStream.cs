using System.Buffers;
using System.Collections.Concurrent;
using System.Security.Cryptography;

using KubeSync.Engine.FileSystem;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Passes writes through to an inner stream while hashing them (SHA-256), so received content is verified without
/// reading it back.
/// <list type="bullet">
/// <item>Given the file being written, it starts the kernel's writeback every <see cref="WritebackInterval"/> bytes, so
/// a large file is mostly on disk by the time the fsync before its rename runs (the kernel alone would wait until a
/// tenth of memory is dirty).</item>
/// <item>Given a buffer length, it gathers small writes in a buffer rented from the shared pool (a receiver stages one
/// stream per file, and a buffer of its own would be a large-object allocation each time).</item>
/// <item>Past <c>offloadAfter</c> bytes (a large file) the hashing moves to a worker: writes are gathered in pooled
/// blocks of <see cref="BlockLength"/>, each block is written, then handed to the worker, which hashes the blocks in
/// order while the next ones are written. SHA-256 runs at about the speed of a page-cache write, so this takes it off
/// the receiver's path on a second core. At most <see cref="QueuedBlocks"/> wait: a slower hasher holds the writer
/// back.</item>
/// </list>
/// Callers flush before they take the hash; disposing does not write what is still buffered.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    internal const long WritebackInterval = 8 * 1024 * 1024;

    /// <summary>Bytes written before the hashing moves to a worker (a file this large is worth a second core).</summary>
    internal const long DefaultOffloadAfter = 8 * 1024 * 1024;

    internal const int BlockLength = 1024 * 1024;

    private const int QueuedBlocks = 8;

    private readonly Stream _inner;
    private readonly SafeFileHandle? _file;
    private readonly long _offloadAfter;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _nextWriteback = WritebackInterval;
    private byte[]? _buffer;
    private int _buffered;

    // Offloaded hashing: the block being filled, the queue of written blocks, the worker that hashes them.
    private byte[]? _block;
    private int _blockFilled;
    private BlockingCollection<(byte[] Block, int Length)>? _queue;
    private Task? _hasher;

    public HashingWriteStream(Stream inner, SafeFileHandle? file = null, int bufferLength = 0, long offloadAfter = DefaultOffloadAfter)
    {
        _inner = inner;
        _file = file;
        _offloadAfter = offloadAfter;
        _buffer = bufferLength > 0 ? ArrayPool<byte>.Shared.Rent(bufferLength) : null;
    }

    public long Written { get; private set; }

    /// <summary>Whether the hashing has moved to a worker.</summary>
    internal bool IsOffloaded => _queue is not null;

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => Written;

    public override long Position
    {
        get => Written;
        set => throw new NotSupportedException();
    }

    /// <summary>The SHA-256 of everything written; with offloaded hashing, what is pending is written and hashed first.</summary>
    public byte[] GetHash()
    {
        if (_queue is { } queue)
        {
            QueueBlock();
            queue.CompleteAdding();
            _hasher!.GetAwaiter().GetResult(); // rethrows what the worker threw, as it is
        }

        return _hash.GetCurrentHash();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_queue is not null)
        {
            WriteOffloaded(buffer);
            return;
        }

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
        }
        else
        {
            WriteBuffered();
            _inner.Write(buffer);
            StartWriteback();
        }

        if (Written >= _offloadAfter)
        {
            StartOffloading();
        }
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

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        WriteBuffered();
        QueueBlock();
        _inner.Flush();
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
            if (_queue is { } queue)
            {
                // The worker returns the blocks it has; it owns the hash until it is done.
                queue.CompleteAdding();
                try
                {
                    _hasher!.Wait();
                }
                catch (AggregateException)
                {
                    // A failed hash matters only to GetHash, which has thrown it or will not be asked.
                }

                queue.Dispose();
                _queue = null;
            }

            _hash.Dispose();
            Return(ref _buffer);
            Return(ref _block);
            _buffered = 0;
        }

        base.Dispose(disposing);
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

    private void StartOffloading()
    {
        WriteBuffered();
        Return(ref _buffer);
        var queue = new BlockingCollection<(byte[] Block, int Length)>(QueuedBlocks);
        var hash = _hash;
        _hasher = Task.Factory.StartNew(
            () =>
            {
                foreach (var (block, length) in queue.GetConsumingEnumerable())
                {
                    try
                    {
                        hash.AppendData(block, 0, length);
                    }
                    finally
                    {
                        ArrayPool<byte>.Shared.Return(block);
                    }
                }
            },
            CancellationToken.None,
            TaskCreationOptions.LongRunning,
            TaskScheduler.Default);
        _queue = queue;
    }

    private void WriteOffloaded(ReadOnlySpan<byte> data)
    {
        Written += data.Length;
        while (data.Length > 0)
        {
            _block ??= ArrayPool<byte>.Shared.Rent(BlockLength);
            var take = Math.Min(data.Length, BlockLength - _blockFilled);
            data[..take].CopyTo(_block.AsSpan(_blockFilled));
            _blockFilled += take;
            data = data[take..];
            if (_blockFilled == BlockLength)
            {
                QueueBlock();
            }
        }
    }

    /// <summary>Writes the block being filled and hands it to the hashing worker (which returns it to the pool).</summary>
    private void QueueBlock()
    {
        if (_queue is null || _block is null || _blockFilled == 0)
        {
            return;
        }

        var block = _block;
        var length = _blockFilled;
        _block = null;
        _blockFilled = 0;
        try
        {
            _inner.Write(block, 0, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(block);
            throw;
        }

        StartWriteback();
        _queue.Add((block, length));
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

    private static void Return(ref byte[]? array)
    {
        if (array is { } rented)
        {
            array = null;
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
