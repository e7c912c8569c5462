namespace KubeSync.Engine.Delta;

/// <summary>
/// Streams a basis into its <see cref="BlockSignature"/>. Memory is a buffer of about 1 MiB plus
/// <see cref="DeltaLimits.StrongHashLength"/> + 4 bytes per block; the basis is never held whole.
/// </summary>
public static class SignatureBuilder
{
    /// <summary>Bytes of the basis read at a time (rounded down to whole blocks, at least one).</summary>
    private const int ReadLength = 1024 * 1024;

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
    public static Task<BlockSignature> BuildAsync(Stream basis, int maxBlockCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(basis);
        if (!basis.CanSeek)
        {
            throw new ArgumentException("the basis must be seekable to choose a block size; pass one for a non-seekable stream", nameof(basis));
        }

        var blockSize = ChooseBlockSize(Math.Max(0, basis.Length - basis.Position), maxBlockCount);
        return BuildAsync(basis, blockSize, maxBlockCount, cancellationToken);
    }

    /// <summary>
    /// Builds the signature of <paramref name="basis"/> (any readable stream) with a given block size. A basis
    /// longer than <paramref name="maxBlockCount"/> blocks is signed over its first blocks only: the rest of
    /// the new content then travels as literals, which is slower but still correct.
    /// </summary>
    public static async Task<BlockSignature> BuildAsync(Stream basis, int blockSize, int maxBlockCount, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(basis);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, DeltaLimits.MinBlockSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, DeltaLimits.MaxBlockSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockCount, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxBlockCount, DeltaLimits.MaxBlockCount);

        var weak = new List<uint>();
        var strong = new List<byte>();
        // Several blocks per read: a large basis costs one read (and one await) per ReadLength, not per block.
        var buffer = new byte[Math.Max(1, ReadLength / blockSize) * blockSize];
        var lastLength = 0;
        var ended = false;
        while (!ended && weak.Count < maxBlockCount)
        {
            var want = (int)Math.Min(buffer.Length, (long)(maxBlockCount - weak.Count) * blockSize);
            var read = await basis.ReadAtLeastAsync(buffer.AsMemory(0, want), want, throwOnEndOfStream: false, cancellationToken);
            ended = read < want;
            for (var offset = 0; offset < read; offset += blockSize)
            {
                var block = buffer.AsSpan(offset, Math.Min(blockSize, read - offset));
                weak.Add(RollingChecksum.Compute(block));
                AddStrongHash(strong, block);
                lastLength = block.Length;
            }
        }

        return new BlockSignature(blockSize, lastLength, [.. weak], [.. strong]);
    }

    /// <summary>The strong hash of one block (<see cref="BlockHash"/>), <see cref="DeltaLimits.StrongHashLength"/> bytes.</summary>
    public static void ComputeStrongHash(ReadOnlySpan<byte> block, Span<byte> destination) => BlockHash.Compute(block, destination);

    private static void AddStrongHash(List<byte> strong, ReadOnlySpan<byte> block)
    {
        Span<byte> hash = stackalloc byte[DeltaLimits.StrongHashLength];
        ComputeStrongHash(block, hash);
        strong.AddRange(hash);
    }
}
