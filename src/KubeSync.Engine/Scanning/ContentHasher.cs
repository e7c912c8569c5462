using System.Buffers;
using System.Security.Cryptography;

using KubeSync.Engine.FileSystem;

namespace KubeSync.Engine.Scanning;

/// <summary>Streams a file's content through SHA-256, opened without following symlinks, and reports whether it changed meanwhile.</summary>
internal static class ContentHasher
{
    private const int BufferSize = 256 * 1024;

    /// <summary>Files at least this long are read a piece ahead on another thread while the last piece is hashed.</summary>
    internal const long ReadAheadFrom = 8 * 1024 * 1024;

    private const int ReadAheadPiece = 1024 * 1024;

    /// <summary>The outcome: a hash with the stat taken after reading, or the errno that stopped it.</summary>
    public readonly record struct Result(byte[]? Hash, FileStat Stat, bool ChangedWhileReading, int Errno, string? Error);

    public static Result Hash(string fullPath, FileStat before)
    {
        var rc = NativeFileSystem.TryOpenRead(fullPath, out var handle);
        using (handle)
        {
            if (rc != 0)
            {
                return new Result(null, before, false, rc, NativeFileSystem.Describe(rc));
            }

            rc = NativeFileSystem.TryStat(handle, out var opened);
            if (rc != 0 || opened.Type != EntryType.File)
            {
                // Replaced by something else between stat and open: report it as changed so the caller looks again.
                return new Result(null, opened, true, rc, rc != 0 ? NativeFileSystem.Describe(rc) : "no longer a regular file");
            }

            try
            {
                using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                var offset = opened.Size >= ReadAheadFrom ? HashReadingAhead(handle, sha) : HashReading(handle, sha);
                rc = NativeFileSystem.TryStat(handle, out var after);
                var changed = rc != 0 || after.Size != offset || after.MtimeNs != opened.MtimeNs || opened.Size != before.Size || opened.MtimeNs != before.MtimeNs;
                return new Result(sha.GetHashAndReset(), rc == 0 ? after : opened, changed, 0, null);
            }
            catch (IOException ex)
            {
                return new Result(null, opened, false, ex.HResult, ex.Message);
            }
        }
    }

    /// <summary>Hashes a file read piece by piece on this thread. Returns the bytes hashed.</summary>
    private static long HashReading(Microsoft.Win32.SafeHandles.SafeFileHandle handle, IncrementalHash sha)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            long offset = 0;
            int n;
            while ((n = RandomAccess.Read(handle, buffer.AsSpan(0, BufferSize), offset)) > 0)
            {
                sha.AppendData(buffer, 0, n);
                offset += n;
            }

            return offset;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Hashes a large file while a pool thread reads the next piece: the copy out of the page cache (or the wait for
    /// the disk) overlaps SHA-256 instead of adding to it. Returns the bytes hashed.
    /// </summary>
    private static long HashReadingAhead(Microsoft.Win32.SafeHandles.SafeFileHandle handle, IncrementalHash sha)
    {
        var current = ArrayPool<byte>.Shared.Rent(ReadAheadPiece);
        var next = ArrayPool<byte>.Shared.Rent(ReadAheadPiece);
        Task<int>? ahead = null;
        try
        {
            long offset = 0;
            var n = RandomAccess.Read(handle, current.AsSpan(0, ReadAheadPiece), 0);
            while (n > 0)
            {
                var from = offset + n;
                var into = next;
                ahead = Task.Run(() => RandomAccess.Read(handle, into.AsSpan(0, ReadAheadPiece), from));
                sha.AppendData(current, 0, n);
                offset = from;
                n = ahead.GetAwaiter().GetResult();
                ahead = null;
                (current, next) = (next, current);
            }

            return offset;
        }
        finally
        {
            // A failed hash must not hand back a buffer the read still fills.
            if (ahead is not null)
            {
                ((Task)ahead).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing).GetAwaiter().GetResult();
            }

            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }
    }
}
