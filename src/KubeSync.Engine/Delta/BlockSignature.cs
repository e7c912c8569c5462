namespace KubeSync.Engine.Delta;

/// <summary>
/// The block signature of a basis: its block size, and for every block the weak rolling checksum and the
/// strong hash (<see cref="BlockHash"/> of <see cref="Kind"/>). All blocks are
/// <see cref="BlockSize"/> long except the last, which is <see cref="LastBlockLength"/> long.
/// </summary>
public sealed class BlockSignature
{
    private readonly uint[] _weak;
    private readonly byte[] _strong;

    /// <summary>
    /// A signature from its parts (taken, not copied). Throws <see cref="ArgumentException"/> when they do
    /// not fit together; decoders check the same rules first and throw <see cref="InvalidDataException"/>.
    /// </summary>
    public BlockSignature(int blockSize, int lastBlockLength, uint[] weak, byte[] strong)
        : this(blockSize, lastBlockLength, weak, strong, DeltaLimits.StrongHashLength)
    {
    }

    /// <param name="strongLength">
    /// Bytes of each block's strong hash kept in <paramref name="strong"/>: <see cref="DeltaLimits.StrongHashLength"/>, or
    /// <see cref="DeltaLimits.ShortStrongHashLength"/> (the first bytes of the same hash) as a version 3 peer sends it.
    /// </param>
    public BlockSignature(int blockSize, int lastBlockLength, uint[] weak, byte[] strong, int strongLength)
        : this(blockSize, lastBlockLength, weak, strong, strongLength, BlockHashKind.Murmur3)
    {
    }

    /// <param name="kind">The function of the strong hashes; <see cref="BlockHashKind.Xxh3"/> has 8 bytes, so <paramref name="strongLength"/> must be 8.</param>
    public BlockSignature(int blockSize, int lastBlockLength, uint[] weak, byte[] strong, int strongLength, BlockHashKind kind)
    {
        ArgumentNullException.ThrowIfNull(weak);
        ArgumentNullException.ThrowIfNull(strong);
        var error = Validate(blockSize, weak.Length, lastBlockLength);
        if (error is not null)
        {
            throw new ArgumentException(error, nameof(blockSize));
        }

        if (!DeltaLimits.IsStrongHashLength(strongLength))
        {
            throw new ArgumentOutOfRangeException(nameof(strongLength), strongLength, "strong hashes are 16 or 8 bytes");
        }

        if (strong.Length != weak.Length * strongLength)
        {
            throw new ArgumentException($"strong hashes are {strong.Length} bytes, expected {weak.Length * strongLength}", nameof(strong));
        }

        if (kind == BlockHashKind.Xxh3 && strongLength != DeltaLimits.ShortStrongHashLength)
        {
            throw new ArgumentOutOfRangeException(nameof(strongLength), strongLength, "XXH3 strong hashes are 8 bytes");
        }

        StrongLength = strongLength;
        Kind = kind;

        BlockSize = blockSize;
        LastBlockLength = lastBlockLength;
        _weak = weak;
        _strong = strong;
    }

    public int BlockSize { get; }

    /// <summary>Bytes of each block's strong hash: 16, or 8 in a shortened signature or an XXH3 one.</summary>
    public int StrongLength { get; }

    /// <summary>The function the strong hashes come from: whoever searches against this signature must hash windows with it.</summary>
    public BlockHashKind Kind { get; }

    public int BlockCount => _weak.Length;

    /// <summary>Length of the last block (0 when there are no blocks).</summary>
    public int LastBlockLength { get; }

    /// <summary>Number of basis bytes the signature covers.</summary>
    public long Length => BlockCount == 0 ? 0 : ((long)(BlockCount - 1) * BlockSize) + LastBlockLength;

    /// <summary>An empty signature (empty or missing basis): every byte of the new content becomes a literal.</summary>
    public static BlockSignature Empty(int blockSize) => new(blockSize, 0, [], []);

    /// <summary>An empty signature of <paramref name="kind"/> (its strong hash length is that kind's).</summary>
    public static BlockSignature Empty(int blockSize, BlockHashKind kind) => new(blockSize, 0, [], [], BlockHash.LengthOf(kind), kind);

    public uint GetWeak(int index) => _weak[index];

    public ReadOnlySpan<byte> GetStrong(int index) =>
        _strong.AsSpan(checked(index * StrongLength), StrongLength);

    /// <summary>Offset of block <paramref name="index"/> in the basis.</summary>
    public long GetOffset(int index) => (long)index * BlockSize;

    public int GetBlockLength(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, BlockCount);
        return index == BlockCount - 1 ? LastBlockLength : BlockSize;
    }

    /// <summary>
    /// Checks a signature's shape against <see cref="DeltaLimits"/>; returns the reason it is invalid, or
    /// <see langword="null"/>.
    /// </summary>
    internal static string? Validate(int blockSize, int blockCount, int lastBlockLength, int maxBlockCount = DeltaLimits.MaxBlockCount)
    {
        if (blockSize is < DeltaLimits.MinBlockSize or > DeltaLimits.MaxBlockSize)
        {
            return $"block size {blockSize} is outside {DeltaLimits.MinBlockSize}..{DeltaLimits.MaxBlockSize}";
        }

        if (blockCount < 0 || blockCount > Math.Min(maxBlockCount, DeltaLimits.MaxBlockCount))
        {
            return $"block count {blockCount} is outside 0..{Math.Min(maxBlockCount, DeltaLimits.MaxBlockCount)}";
        }

        if (blockCount == 0 ? lastBlockLength != 0 : lastBlockLength < 1 || lastBlockLength > blockSize)
        {
            return $"last block length {lastBlockLength} does not fit {blockCount} blocks of {blockSize} bytes";
        }

        return null;
    }

    internal ReadOnlySpan<uint> WeakSums => _weak;

    internal ReadOnlySpan<byte> StrongHashes => _strong;
}
