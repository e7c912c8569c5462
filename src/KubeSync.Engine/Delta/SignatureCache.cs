using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Delta;

/// <summary>
/// Block signatures of large received files, kept in the state directory so that the next delta against such a
/// file does not read and hash it first (for 1 GiB about a second before the sender can start). A signature is
/// built in the background after the file was published, from the file itself, and is used only while the file
/// is exactly as it was then: same content hash as recorded, same inode, size, mtime and ctime (any write, even one
/// that puts the mtime back, moves the ctime). An entry that lies anyway (a disk that corrupts it) can only make
/// the rebuilt file fail its SHA-256 check; the receiver then forgets the entry and the retry signs the file anew.
/// </summary>
/// <remarks>
/// One file per path, named by a hash of the path:
/// <code>
/// "KSSG" u8 version = 1
/// 32 bytes  SHA-256 of the file's content
/// i64 × 5   size, mtime ns, ctime ns, inode, device (little-endian)
/// ...       the signature as <see cref="SignatureCodec"/> encodes it (16-byte strong hashes)
/// 32 bytes  SHA-256 of everything before
/// </code>
/// Entries are written to a temp name and renamed, without fsync: a lost entry costs one signature. Past
/// <see cref="MaxBytes"/> in all, the oldest entries go.
/// </remarks>
public sealed class SignatureCache
{
    /// <summary>Files shorter than this are signed when needed: their signature costs milliseconds.</summary>
    public const long MinFileLength = 32L * 1024 * 1024;

    private const byte FormatVersion = 1;
    private const int HeaderLength = 4 + 1 + 32 + (5 * 8);
    private static ReadOnlySpan<byte> Magic => "KSSG"u8;

    private readonly string _directory;
    private readonly object _evictLock = new();

    /// <param name="directory">Where the entries go (created when the first is stored).</param>
    /// <param name="maxBytes">Most bytes all entries may take together.</param>
    public SignatureCache(string directory, long maxBytes = 256L * 1024 * 1024)
    {
        _directory = directory;
        MaxBytes = maxBytes;
    }

    public long MaxBytes { get; }

    /// <summary>Whether a file of <paramref name="length"/> bytes gets its signature kept.</summary>
    public static bool Worthwhile(long length) => length >= MinFileLength;

    /// <summary>
    /// The kept signature of the file at <paramref name="path"/> if it was built from exactly this file
    /// (<paramref name="stat"/>, taken of the open file) with <paramref name="contentHash"/> as content and
    /// <paramref name="blockSize"/> blocks; null otherwise. A damaged entry is removed.
    /// </summary>
    public BlockSignature? TryGet(SyncPath path, ReadOnlySpan<byte> contentHash, in FileStat stat, int blockSize, int maxBlockCount = DeltaLimits.MaxBlockCount) =>
        TryGet(path, contentHash, stat, blockSize, BlockHashKind.Murmur3, maxBlockCount);

    /// <summary>As the overload without <paramref name="kind"/>, and only a signature whose strong hashes are of <paramref name="kind"/>.</summary>
    public BlockSignature? TryGet(SyncPath path, ReadOnlySpan<byte> contentHash, in FileStat stat, int blockSize, BlockHashKind kind, int maxBlockCount = DeltaLimits.MaxBlockCount)
    {
        var file = EntryPath(path);
        byte[] data;
        try
        {
            data = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        if (Parse(data, maxBlockCount) is not { } entry)
        {
            TryDelete(file);
            return null;
        }

        return entry.Hash.AsSpan().SequenceEqual(contentHash) && Same(entry.Stat, stat) && entry.Signature.BlockSize == blockSize && entry.Signature.Kind == kind
            ? entry.Signature
            : null;
    }

    /// <summary>Keeps <paramref name="signature"/> as that of the file at <paramref name="path"/>, as <paramref name="stat"/> describes it.</summary>
    public void Store(SyncPath path, ReadOnlySpan<byte> contentHash, in FileStat stat, BlockSignature signature)
    {
        if (contentHash.Length != SHA256.HashSizeInBytes)
        {
            throw new ArgumentException("a SHA-256 is 32 bytes", nameof(contentHash));
        }

        var encoded = SignatureCodec.Encode(signature); // its format byte tells the strong hashes' kind when it is read back
        var data = new byte[HeaderLength + encoded.Length + SHA256.HashSizeInBytes];
        var span = data.AsSpan();
        Magic.CopyTo(span);
        span[4] = FormatVersion;
        contentHash.CopyTo(span[5..]);
        var fields = span[37..];
        BinaryPrimitives.WriteInt64LittleEndian(fields, stat.Size);
        BinaryPrimitives.WriteInt64LittleEndian(fields[8..], stat.MtimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(fields[16..], stat.CtimeNs);
        BinaryPrimitives.WriteInt64LittleEndian(fields[24..], stat.Inode);
        BinaryPrimitives.WriteInt64LittleEndian(fields[32..], stat.Device);
        encoded.CopyTo(span[HeaderLength..]);
        SHA256.HashData(span[..^SHA256.HashSizeInBytes], span[^SHA256.HashSizeInBytes..]);

        Directory.CreateDirectory(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var file = EntryPath(path);
        var temp = $"{file}.{Environment.CurrentManagedThreadId}.tmp";
        try
        {
            File.WriteAllBytes(temp, data);
            File.Move(temp, file, overwrite: true);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }

        Evict(keep: file);
    }

    /// <summary>Drops the entry of <paramref name="path"/> (it misled a rebuild, or the file is gone).</summary>
    public void Forget(SyncPath path) => TryDelete(EntryPath(path));

    /// <summary>Removes temp files a stopped process left (call before the first store).</summary>
    public void RemoveLeftovers()
    {
        if (!Directory.Exists(_directory))
        {
            return;
        }

        foreach (var temp in Directory.EnumerateFiles(_directory, "*.tmp"))
        {
            TryDelete(temp);
        }
    }

    private static bool Same(in FileStat kept, in FileStat now) =>
        kept.Size == now.Size && kept.MtimeNs == now.MtimeNs && kept.CtimeNs == now.CtimeNs && kept.Inode == now.Inode && kept.Device == now.Device;

    private static (byte[] Hash, FileStat Stat, BlockSignature Signature)? Parse(byte[] data, int maxBlockCount)
    {
        var span = data.AsSpan();
        if (span.Length < HeaderLength + SHA256.HashSizeInBytes || !span[..4].SequenceEqual(Magic) || span[4] != FormatVersion)
        {
            return null;
        }

        Span<byte> check = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(span[..^SHA256.HashSizeInBytes], check);
        if (!check.SequenceEqual(span[^SHA256.HashSizeInBytes..]))
        {
            return null;
        }

        var fields = span[37..];
        var stat = new FileStat(
            EntryType.File,
            BinaryPrimitives.ReadInt64LittleEndian(fields),
            BinaryPrimitives.ReadInt64LittleEndian(fields[8..]),
            0,
            0,
            0,
            BinaryPrimitives.ReadInt64LittleEndian(fields[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(fields[32..]),
            BinaryPrimitives.ReadInt64LittleEndian(fields[16..]));
        try
        {
            var signature = SignatureCodec.Decode(span[HeaderLength..^SHA256.HashSizeInBytes], maxBlockCount);
            return signature.Length == stat.Size ? (span[5..37].ToArray(), stat, signature) : null;
        }
        catch (InvalidDataException)
        {
            return null;
        }
    }

    private string EntryPath(SyncPath path)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(path.Value), hash);
        return Path.Combine(_directory, Convert.ToHexStringLower(hash[..16]) + ".sig");
    }

    /// <summary>Removes the oldest entries (never <paramref name="keep"/>) while all of them take more than <see cref="MaxBytes"/>.</summary>
    private void Evict(string keep)
    {
        lock (_evictLock)
        {
            var entries = new DirectoryInfo(_directory).GetFiles("*.sig");
            var total = entries.Sum(e => e.Length);
            foreach (var entry in entries.OrderBy(e => e.LastWriteTimeUtc))
            {
                if (total <= MaxBytes)
                {
                    break;
                }

                if (entry.FullName != keep)
                {
                    total -= entry.Length;
                    TryDelete(entry.FullName);
                }
            }
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache: what cannot be removed is overwritten or evicted later.
        }
    }
}
