using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Applying;

/// <summary>Staging: received content written under a temp name beside its target, verified, waiting to be published.</summary>
public sealed partial class FileApplier
{
    /// <summary>Temp names count up from a random base per process: unique here, and unlikely to meet another process's.</summary>
    private static long s_tempCounter = BitConverter.ToInt64(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// Writes the content to a temp file beside <paramref name="path"/> and checks it hashes to <paramref name="sha256"/>.
    /// Nothing at the path changes until the staged file is published
    /// (<see cref="ApplyBatch.Publish"/>); a mismatch or an error leaves no temp file behind.
    /// </summary>
    /// <param name="batch">When given, the parent directory comes from (and stays in) the batch's cache of open directories.</param>
    public Task<StageResult> StageFileAsync(SyncPath path, FileMetadata meta, byte[] sha256, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken, ApplyBatch? batch = null) =>
        StageFileAsync(path, meta, () => sha256, writeContent, cancellationToken, batch);

    /// <summary>
    /// As the other overload, for content whose hash is known only once it is written (a transfer whose DeltaEnd
    /// carries it): <paramref name="sha256"/> is called after <paramref name="writeContent"/> returns.
    /// </summary>
    public async Task<StageResult> StageFileAsync(SyncPath path, FileMetadata meta, Func<byte[]> sha256, Func<Stream, CancellationToken, Task> writeContent, CancellationToken cancellationToken, ApplyBatch? batch = null)
    {
        ArgumentNullException.ThrowIfNull(sha256);
        if (BeginStage(path, meta, batch, out var failure) is not { } staged)
        {
            return failure;
        }

        var handle = staged.Handle;
        try
        {
            byte[] hash;
            using (var file = new FileStream(new SafeFileHandle(handle.DangerousGetHandle(), ownsHandle: false), FileAccess.Write, bufferSize: 0))
            using (var hashing = new HashingWriteStream(file, handle))
            {
                await writeContent(hashing, cancellationToken).ConfigureAwait(false);
                await hashing.FlushAsync(cancellationToken).ConfigureAwait(false);
                hash = hashing.GetHash();
            }

            var expected = sha256();
            if (!CryptographicOperations.FixedTimeEquals(hash, expected))
            {
                staged.Dispose();
                return StageResult.Failed(Mismatch(path, hash, expected));
            }

            // No writeback is started here: the batch queues the file's fsync as soon as it takes the file.
            return StageResult.Staged(staged);
        }
        catch
        {
            staged.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stages a file whose whole content is in memory (a small file that came inline with its offer): the content is
    /// checked against <paramref name="sha256"/> before anything is created, then written with one synchronous
    /// write, without a stream, a buffer or a hop to another thread. Otherwise as <see cref="StageFileAsync(SyncPath, FileMetadata, byte[], Func{Stream, CancellationToken, Task}, CancellationToken, ApplyBatch?)"/>.
    /// </summary>
    public StageResult StageFile(SyncPath path, FileMetadata meta, byte[] sha256, ReadOnlySpan<byte> content, ApplyBatch? batch = null)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(content, hash);
        if (!CryptographicOperations.FixedTimeEquals(hash, sha256))
        {
            return StageResult.Failed(Mismatch(path, hash, sha256));
        }

        return StageVerifiedFile(path, meta, content, batch);
    }

    /// <summary>
    /// <see cref="StageFile"/> for content already checked against its hash: an inline offer, which
    /// <see cref="Protocol.Offer.Read"/> verified when it was decoded.
    /// </summary>
    internal StageResult StageVerifiedFile(SyncPath path, FileMetadata meta, ReadOnlySpan<byte> content, ApplyBatch? batch = null)
    {
        if (BeginStage(path, meta, batch, out var failure) is not { } staged)
        {
            return failure;
        }

        var rc = WriteAll((int)staged.Handle.DangerousGetHandle(), content);
        if (rc != 0)
        {
            staged.Dispose();
            return StageResult.Failed(ApplyResult.Failed($"writing {path} failed: {NativeFileSystem.Describe(rc)}"));
        }

        return StageResult.Staged(staged);
    }

    /// <summary><c>pwrite</c> from offset 0 until all is written: 0, or the errno.</summary>
    private static unsafe int WriteAll(int fd, ReadOnlySpan<byte> content)
    {
        fixed (byte* start = content)
        {
            var done = 0;
            while (done < content.Length)
            {
                var n = LibC.PWrite(fd, start + done, content.Length - done, done);
                if (n < 0)
                {
                    var error = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
                    if (error == LibC.EINTR)
                    {
                        continue;
                    }

                    return error;
                }

                if (n == 0)
                {
                    return LibC.EIO; // a regular file that takes nothing would loop forever
                }

                done += (int)n;
            }
        }

        return 0;
    }

    private static ApplyResult Mismatch(SyncPath path, ReadOnlySpan<byte> hash, byte[] sha256) =>
        new(ApplyOutcome.HashMismatch, null, $"{path}: received content hashes to {Convert.ToHexStringLower(hash)[..12]}, not the offered {Convert.ToHexStringLower(sha256)[..Math.Min(12, sha256.Length * 2)]}");

    /// <summary>
    /// Creates a new temp file in <paramref name="dir"/> (<c>O_EXCL</c>, never following a symlink). Names are
    /// this process's random base plus a counter, so none costs a call to the random source; a name that exists
    /// already (another process, or one left by a crash) is skipped.
    /// </summary>
    private static unsafe int CreateTemp(ConfinedDirectory dir, out byte[] name, out SafeFileHandle handle)
    {
        var rc = 0;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            name = TempName();
            var z = new byte[name.Length + 1];
            name.CopyTo(z, 0);
            int fd;
            fixed (byte* p = z)
            {
                fd = LibC.OpenAt(dir.Fd, p, LibC.OWrOnly | LibC.OCreat | LibC.OExcl | LibC.ONoFollow | LibC.OCloExec, 0x180);
            }

            handle = new SafeFileHandle(fd, ownsHandle: fd >= 0);
            rc = fd < 0 ? System.Runtime.InteropServices.Marshal.GetLastPInvokeError() : 0;
            if (rc != LibC.EEXIST)
            {
                return rc;
            }

            handle.Dispose();
        }

        name = [];
        handle = new SafeFileHandle(-1, ownsHandle: false);
        return rc;
    }

    private static byte[] TempName() =>
        Encoding.ASCII.GetBytes($"{TempPrefix}{(ulong)Interlocked.Increment(ref s_tempCounter):x16}{SyncRules.TempFileSuffix}");

    /// <summary>Opens the parent (from the batch's cache when given) and creates the temp file: the staged file, or null and the failure.</summary>
    private StagedFile? BeginStage(SyncPath path, FileMetadata meta, ApplyBatch? batch, out StageResult failure)
    {
        failure = default;
        var parent = OpenParent(path, create: true, batch, out var outcome, out _, out var reason);
        if (parent.Dir is not { } dir)
        {
            failure = StageResult.Failed(new ApplyResult(outcome, null, reason));
            return null;
        }

        var rc = CreateTemp(dir, out var temp, out var handle);
        if (rc != 0)
        {
            parent.Dispose();
            failure = StageResult.Failed(ApplyResult.Failed($"cannot create a temp file beside {path}: {NativeFileSystem.Describe(rc)}"));
            return null;
        }

        return new StagedFile(path, dir, Encoding.UTF8.GetBytes(path.Name), temp, handle, meta, ownsDirectory: parent.Owned);
    }
}
