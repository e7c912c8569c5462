using System.Buffers;

namespace KubeSync.Engine.Delta;

/// <summary>
/// Streams a basis into its <see cref="BlockSignature"/>, hashing one piece on the thread pool while it reads the
/// next. Memory is two pooled buffers of about 4 MiB plus
/// <see cref="DeltaLimits.StrongHashLength"/> + 4 bytes per block; the basis is never held whole.
/// </summary>
public static class SignatureBuilder
{
    /// <summary>Bytes of the basis read at a time (rounded down to whole blocks, at least one).</summary>
    private const int ReadLength = 4 * 1024 * 1024;

    /// <summary>Fewest bytes worth handing to another thread.</summary>
    private const int MinPartLength = 256 * 1024;

    /// <summary>
    /// The block size for a basis of <paramref name="length"/> bytes: √length rounded up to a multiple of 8,
    /// raised if needed so that at most <paramref name="maxBlockCount"/> blocks cover the basis, and clamped
    /// to <see cref="DeltaLimits.MinChosenBlockSize"/>..<see cref="DeltaLimits.MaxBlockSize"/>.
    /// </summary>
    public static int ChooseBlockSize(long length, int maxBlockCount = DeltaLimits.MaxBlockCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockCount, 1);
        var size = (long)Math.Ceiling(Math.Sqrt(length));
        size = Math.Max(size, (length + maxBlockCount - 1) / maxBlockCount);
        size = (size + 7) & ~7L;
        return (int)Math.Clamp(size, DeltaLimits.MinChosenBlockSize, DeltaLimits.MaxBlockSize);
    }

    /// <summary>
    /// Builds the signature of a seekable <paramref name="basis"/>, read from its current position, with the
    /// block size <see cref="ChooseBlockSize"/> picks for its remaining length.
    /// </summary>
    public static Task<BlockSignature> BuildAsync(Stream basis, CancellationToken cancellationToken) =>
        BuildAsync(basis, DeltaLimits.MaxBlockCount, cancellationToken);

    /// <inheritdoc cref="BuildAsync(Stream, CancellationToken)"/>
    /// <param name="basis">The basis.</param>
    /// <param name="maxBlockCount">Most blocks the signature may have (to fit a frame); a longer basis gets larger blocks.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    public static Task<BlockSignature> BuildAsync(Stream basis, int maxBlockCount, CancellationToken cancellationToken) =>
        BuildAsync(basis, maxBlockCount, BlockHashKind.Murmur3, cancellationToken);

    /// <summary>As the overload without <paramref name="kind"/>, the strong hashes by <paramref name="kind"/>.</summary>
    public static Task<BlockSignature> BuildAsync(Stream basis, int maxBlockCount, BlockHashKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(basis);
        if (!basis.CanSeek)
        {
            throw new ArgumentException("the basis must be seekable to choose a block size; pass one for a non-seekable stream", nameof(basis));
        }

        var blockSize = ChooseBlockSize(Math.Max(0, basis.Length - basis.Position), maxBlockCount);
        return BuildAsync(basis, blockSize, maxBlockCount, kind, cancellationToken);
    }

    /// <summary>
    /// Builds the signature of an open file from its start, with the block size <see cref="ChooseBlockSize"/> picks for
    /// its length; the handle stays the caller's.
    /// </summary>
    public static Task<BlockSignature> BuildAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, int maxBlockCount, CancellationToken cancellationToken) =>
        BuildAsync(file, maxBlockCount, BlockHashKind.Murmur3, cancellationToken);

    /// <summary>The signature of an open file, its strong hashes by <paramref name="kind"/>.</summary>
    public static async Task<BlockSignature> BuildAsync(Microsoft.Win32.SafeHandles.SafeFileHandle file, int maxBlockCount, BlockHashKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        await using var reader = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(file.DangerousGetHandle(), ownsHandle: false), FileAccess.Read, 128 * 1024);
        return await BuildAsync(reader, maxBlockCount, kind, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Builds the signature of <paramref name="basis"/> (any readable stream) with a given block size. A basis
    /// longer than <paramref name="maxBlockCount"/> blocks is signed over its first blocks only: the rest of
    /// the new content then travels as literals, which is slower but still correct.
    /// </summary>
    public static Task<BlockSignature> BuildAsync(Stream basis, int blockSize, int maxBlockCount, CancellationToken cancellationToken) =>
        BuildAsync(basis, blockSize, maxBlockCount, BlockHashKind.Murmur3, cancellationToken);

    /// <summary>As the overload without <paramref name="kind"/>, the strong hashes by <paramref name="kind"/>.</summary>
    public static async Task<BlockSignature> BuildAsync(Stream basis, int blockSize, int maxBlockCount, BlockHashKind kind, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, DeltaLimits.MinBlockSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, DeltaLimits.MaxBlockSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockCount, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBlockCount, DeltaLimits.MaxBlockCount);

        var weak = new List<uint>();
        var strong = new List<byte>();
        var lastLength = 0;
        var perRead = Math.Max(1, ReadLength / blockSize);
        var current = ArrayPool<byte>.Shared.Rent(perRead * blockSize);
        var next = ArrayPool<byte>.Shared.Rent(perRead * blockSize);
        var weakPart = new uint[perRead];
        var strongLength = BlockHash.LengthOf(kind);
        var strongPart = new byte[perRead * strongLength];
        Task hashing = Task.CompletedTask;
        try
        {
            var read = await ReadBlocksAsync(basis, current, perRead * blockSize, (long)maxBlockCount * blockSize, cancellationToken);
            while (read > 0)
            {
                // The blocks of this read are hashed by the pool's threads while this one reads the next piece.
                var blocks = (read + blockSize - 1) / blockSize;
                hashing = HashBlocksAsync(current, read, blockSize, weakPart, strongPart, kind);
                var more = read == perRead * blockSize && weak.Count + blocks < maxBlockCount;
                var nextRead = more
                    ? await ReadBlocksAsync(basis, next, perRead * blockSize, ((long)maxBlockCount - weak.Count - blocks) * blockSize, cancellationToken)
                    : 0;
                await hashing;
                weak.AddRange(weakPart.AsSpan(0, blocks));
                strong.AddRange(strongPart.AsSpan(0, blocks * strongLength));
                lastLength = read - ((blocks - 1) * blockSize);
                (current, next) = (next, current);
                read = nextRead;
            }
        }
        finally
        {
            // A failed read must not hand the buffers back while the hashing still uses them.
            await hashing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            ArrayPool<byte>.Shared.Return(current);
            ArrayPool<byte>.Shared.Return(next);
        }

        return new BlockSignature(blockSize, lastLength, [.. weak], [.. strong], strongLength, kind);
    }

    /// <summary>The strong hash of one block (<see cref="BlockHash"/>), <see cref="DeltaLimits.StrongHashLength"/> bytes.</summary>
    public static void ComputeStrongHash(ReadOnlySpan<byte> block, Span<byte> destination) => BlockHash.Compute(block, destination);

    /// <summary>The strong hash of one block by <paramref name="kind"/>, <see cref="BlockHash.LengthOf"/> bytes.</summary>
    public static void ComputeStrongHash(ReadOnlySpan<byte> block, Span<byte> destination, BlockHashKind kind) => BlockHash.Compute(block, destination, kind);

    private static async Task<int> ReadBlocksAsync(Stream basis, byte[] buffer, int length, long limit, CancellationToken cancellationToken)
    {
        var want = (int)Math.Min(length, limit);
        return want <= 0 ? 0 : await basis.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, cancellationToken);
    }

    /// <summary>Weak and strong sums of the blocks in <c>data[..length]</c>, split over up to <see cref="Environment.ProcessorCount"/> threads.</summary>
    private static Task HashBlocksAsync(byte[] data, int length, int blockSize, uint[] weak, byte[] strong, BlockHashKind kind)
    {
        var blocks = (length + blockSize - 1) / blockSize;
        var parts = Math.Clamp(Math.Min(Environment.ProcessorCount, 4), 1, Math.Max(1, length / MinPartLength));
        if (parts == 1)
        {
            HashBlocks(data, length, blockSize, 0, blocks, weak, strong, kind);
            return Task.CompletedTask;
        }

        var tasks = new Task[parts];
        for (var p = 0; p < parts; p++)
        {
            var first = blocks * p / parts;
            var end = blocks * (p + 1) / parts;
            tasks[p] = Task.Run(() => HashBlocks(data, length, blockSize, first, end, weak, strong, kind));
        }

        return Task.WhenAll(tasks);
    }

    private static void HashBlocks(byte[] data, int length, int blockSize, int first, int end, uint[] weak, byte[] strong, BlockHashKind kind)
    {
        var strongLength = BlockHash.LengthOf(kind);
        for (var b = first; b < end; b++)
        {
            var offset = b * blockSize;
            var block = data.AsSpan(offset, Math.Min(blockSize, length - offset));
            weak[b] = RollingChecksum.Compute(block);
            ComputeStrongHash(block, strong.AsSpan(b * strongLength, strongLength), kind);
        }
    }
}
