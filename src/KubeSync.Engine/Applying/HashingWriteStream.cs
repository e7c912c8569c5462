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
/// <item>Given the file being written, it starts the kernel's writeback every <see cref="WritebackInterval"/> bytes (the
/// kernel alone would wait until a tenth of memory is dirty), and every <c>durableInterval</c> bytes an fsync on one of
/// the <see cref="SyncWorkers"/>, one at a time: a large file is then mostly durable by the time the fsync before its
/// rename runs. Starting the writeback is not enough for that: on a virtual disk the writes land in the host's cache
/// at once, and the final fsync still waited for the host to write the whole file (1.4–1.9 s of a 1 GiB file here,
/// 0.1 s with the fsyncs along the way). A failed fsync fails the file at the next write or at <see cref="Flush()"/>
/// (the kernel reports a writeback error once per open file, so the fsync before the rename might not see it).</item>
/// <item>Writes shorter than a block are gathered in a block rented from the shared pool (a receiver stages one
/// stream per file, and a buffer of its own would be a large-object allocation each time); a block is hashed as it
/// is written.</item>
/// <item>Past <c>offloadAfter</c> bytes (a large file) the hashing moves to a worker: each written block is handed to
/// it, and it hashes the blocks in order while the next ones are filled and written. SHA-256 runs at about the speed
/// of a page-cache write, so this takes it off the receiver's path on a second core. At most
/// <see cref="QueuedBlocks"/> wait: a slower hasher holds the writer back.</item>
/// </list>
/// Callers flush before they take the hash; disposing does not write what is still gathered.
/// </summary>
internal sealed class HashingWriteStream : Stream
{
    internal const long WritebackInterval = 8 * 1024 * 1024;

    /// <summary>Bytes written before the hashing moves to a worker (a file this large is worth a second core).</summary>
    internal const long DefaultOffloadAfter = 8 * 1024 * 1024;

    /// <summary>The block length when none is given.</summary>
    internal const int BlockLength = 1024 * 1024;

    private const int QueuedBlocks = 8;

    /// <summary>Bytes written between two fsyncs started on a worker, when none is given.</summary>
    internal const long DefaultDurableInterval = 64 * 1024 * 1024;

    private readonly Stream _inner;
    private readonly SafeFileHandle? _file;
    private readonly int _blockLength;
    private readonly long _offloadAfter;
    private readonly long _durableInterval;
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private long _nextWriteback = WritebackInterval;
    private long _nextDurable;

    // The fsync started along the way, while it runs or until the next one starts.
    private SyncJob? _sync;

    // The block being filled; once offloaded, the queue of written blocks and the worker that hashes them.
    private byte[]? _block;
    private int _filled;
    private BlockingCollection<(byte[] Block, int Length)>? _queue;
    private Task? _hasher;

    /// <param name="blockLength">Writes shorter than this are gathered (0: <see cref="BlockLength"/>).</param>
    /// <param name="durableInterval">Bytes between two fsyncs started along the way (0: <see cref="DefaultDurableInterval"/>).</param>
    public HashingWriteStream(Stream inner, SafeFileHandle? file = null, int blockLength = 0, long offloadAfter = DefaultOffloadAfter, long durableInterval = 0)
    {
        _inner = inner;
        _file = file;
        _blockLength = blockLength > 0 ? blockLength : BlockLength;
        _offloadAfter = offloadAfter;
        _durableInterval = durableInterval > 0 ? durableInterval : DefaultDurableInterval;
        _nextDurable = _durableInterval;
    }

    /// <summary>fsyncs started along the way so far.</summary>
    internal int SyncsStarted { get; private set; }

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

    /// <summary>The SHA-256 of everything written; what is still gathered is written and hashed first.</summary>
    public byte[] GetHash()
    {
        WriteBlock();
        if (_queue is { } queue)
        {
            queue.CompleteAdding();
            _hasher!.GetAwaiter().GetResult(); // rethrows what the worker threw, as it is
        }

        return _hash.GetCurrentHash();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        Written += data.Length;
        if (_filled + data.Length > _blockLength)
        {
            WriteBlock();
        }

        if (_queue is null && data.Length >= _blockLength)
        {
            // A whole block or more, hashed here: straight through, without a copy.
            _hash.AppendData(data);
            _inner.Write(data);
            StartWriteback();
        }
        else
        {
            while (data.Length > 0)
            {
                _block ??= ArrayPool<byte>.Shared.Rent(_blockLength);
                var take = Math.Min(data.Length, _blockLength - _filled);
                data[..take].CopyTo(_block.AsSpan(_filled));
                _filled += take;
                data = data[take..];
                if (_filled == _blockLength)
                {
                    WriteBlock();
                }
            }
        }

        if (_queue is null && Written >= _offloadAfter)
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

    /// <summary>Writes what is gathered, flushes the inner stream and waits for the fsync along the way, if one runs (its failure throws).</summary>
    public override void Flush()
    {
        WriteBlock();
        _inner.Flush();
        if (_sync is { } sync)
        {
            sync.Done.Wait();
            ThrowIfSyncFailed(sync);
        }
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
            if (_sync is { } sync)
            {
                // The descriptor is the caller's, closed after this: the fsync must not outlive it.
                sync.Done.Wait();
                sync.Done.Dispose();
                _sync = null;
            }

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
            if (_block is { } block)
            {
                _block = null;
                ArrayPool<byte>.Shared.Return(block);
            }
        }

        base.Dispose(disposing);
    }

    private void StartOffloading()
    {
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

    /// <summary>Writes the gathered block and hashes it: here, or on the worker (which then owns the block and returns it to the pool).</summary>
    private void WriteBlock()
    {
        if (_block is not { } block || _filled == 0)
        {
            return;
        }

        var length = _filled;
        _filled = 0;
        _inner.Write(block, 0, length);
        StartWriteback();
        if (_queue is null)
        {
            _hash.AppendData(block, 0, length);
        }
        else
        {
            _block = null;
            _queue.Add((block, length));
        }
    }

    private void StartWriteback()
    {
        if (_file is null)
        {
            return;
        }

        var fd = (int)_file.DangerousGetHandle();
        if (Written >= _nextDurable && (_sync is null || _sync.Done.IsSet))
        {
            if (_sync is { } previous)
            {
                ThrowIfSyncFailed(previous);
                previous.Done.Dispose();
            }

            // The fsync starts the writeback too; this thread goes on writing while a worker waits for the disk.
            _sync = new SyncJob(fd, new CountdownEvent(1));
            SyncWorkers.Shared.Queue(_sync);
            SyncsStarted++;
            _nextDurable = Written + _durableInterval;
            _nextWriteback = Written + WritebackInterval;
        }
        else if (Written >= _nextWriteback)
        {
            // Without a wait flag this only queues the dirty pages for writing; it returns at once.
            _ = LibC.SyncFileRange(fd, 0, 0, LibC.SyncFileRangeWrite);
            _nextWriteback = Written + WritebackInterval;
        }
    }

    private static void ThrowIfSyncFailed(SyncJob sync)
    {
        if (sync.Error != 0)
        {
            throw new IOException($"fsync while writing failed: {NativeFileSystem.Describe(sync.Error)}");
        }
    }
}
