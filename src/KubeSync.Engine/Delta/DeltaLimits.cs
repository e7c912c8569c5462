namespace KubeSync.Engine.Delta;

/// <summary>
/// Hard limits of the delta transfer. Everything decoded from a peer is checked against them, so a hostile
/// signature or instruction stream can cost at most these amounts of memory and work.
/// </summary>
public static class DeltaLimits
{
    /// <summary>Smallest block size any signature may carry (decoders reject smaller ones).</summary>
    public const int MinBlockSize = 64;

    /// <summary>Smallest block size <see cref="SignatureBuilder.ChooseBlockSize"/> picks (rsync uses 700).</summary>
    public const int MinChosenBlockSize = 704;

    /// <summary>Largest block size (rsync's 128 KiB).</summary>
    public const int MaxBlockSize = 128 * 1024;

    /// <summary>Most blocks in one signature: 20 MiB of signature, a 128 GiB basis at the largest block size.</summary>
    public const int MaxBlockCount = 1 << 20;

    /// <summary>Longest literal instruction; the encoder cuts longer literal runs into pieces of this size.</summary>
    public const int MaxLiteralLength = 64 * 1024;

    /// <summary>Length of the per-block strong hash (SHA-256 truncated).</summary>
    public const int StrongHashLength = 16;

    /// <summary>
    /// Strong hash bytes per block in a signature sent to a peer of protocol version 3 or later: the first half of
    /// the 16. With the 32-bit weak sum in front of it a false match stays out of reach (and the whole-file SHA-256
    /// would refuse one), and a 1 GiB basis costs 12 bytes a block on the wire instead of 20.
    /// </summary>
    public const int ShortStrongHashLength = 8;

    /// <summary>Whether <paramref name="length"/> is a strong hash length a signature may carry (16 or 8).</summary>
    public static bool IsStrongHashLength(int length) => length is StrongHashLength or ShortStrongHashLength;

    /// <summary>Length of the whole-content hash (SHA-256).</summary>
    public const int ContentHashLength = 32;

    /// <summary>Largest encoded instruction chunk <see cref="DeltaInstructionCodec"/> accepts.</summary>
    public const int MaxChunkLength = 256 * 1024;

    /// <summary>Size at which <see cref="DeltaChunkWriter"/> hands a chunk over (a chunk may exceed it by one instruction).</summary>
    public const int TargetChunkLength = 64 * 1024;

    /// <summary>
    /// Output covered by one copy instruction at most (<see cref="RunBlocks"/>): the encoder cuts a long run of
    /// matched blocks there, and <see cref="DeltaChunkWriter"/> hands a chunk over once it holds as much copy work,
    /// so the receiver copies from its basis while the sender is still scanning instead of after the run ends.
    /// </summary>
    public const int RunLength = 16 * 1024 * 1024;

    /// <summary>Most blocks in one copy instruction the encoder emits for a block size (<see cref="RunLength"/> of output, at least one block).</summary>
    public static int RunBlocks(int blockSize) => Math.Max(1, RunLength / Math.Max(1, blockSize));
}
