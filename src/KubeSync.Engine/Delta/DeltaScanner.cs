using System.Buffers;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The synchronous core of <see cref="DeltaEncoder"/>: a sliding window over a buffer of the new content.
/// Bytes <c>[LiteralStart, Position)</c> are the pending literal, <c>[Position, Position + BlockSize)</c> the
/// window whose checksum rolls, <c>[0, Filled)</c> what has been read. The buffer is rented from the shared pool
/// (it is larger than the large-object threshold, and a sender encodes one per file) and goes back on dispose.
/// </summary>
internal sealed class DeltaScanner : IDisposable
{
    private readonly BlockLookup _lookup;
    private RollingChecksum _checksum;
    private bool _checksumValid;

    public DeltaScanner(BlockSignature signature)
    {
        BlockSize = signature.BlockSize;
        _lookup = new BlockLookup(signature);

        // Room for the longest pending literal, a window, and a read of at least 64 KiB or a block.
        Buffer = ArrayPool<byte>.Shared.Rent(DeltaLimits.MaxLiteralLength + BlockSize + Math.Max(BlockSize, 64 * 1024));
    }

    public enum Outcome
    {
        /// <summary>The window needs bytes past <see cref="Filled"/>.</summary>
        NeedData,

        /// <summary>The window matches <see cref="MatchedBlock"/>.</summary>
        Match,

        /// <summary>The pending literal reached <see cref="DeltaLimits.MaxLiteralLength"/>.</summary>
        LiteralFull,
    }

    public byte[] Buffer { get; private set; }

    public int BlockSize { get; }

    public int LiteralStart { get; set; }

    public int Position { get; private set; }

    public int Filled { get; set; }

    public int MatchedBlock { get; private set; }

    /// <summary>Moves the window forward until a block matches, the literal is full, or data runs out.</summary>
    /// <remarks>The hot loop of the sender (once per byte of unmatched content): state lives in locals.</remarks>
    public Outcome Scan(int preferredBlock)
    {
        var buffer = Buffer;
        var blockSize = BlockSize;
        var lookup = _lookup;
        var checksum = _checksum;
        var valid = _checksumValid;
        var position = Position;
        var literalLimit = LiteralStart + DeltaLimits.MaxLiteralLength;
        var lastStart = Filled - blockSize;
        Outcome outcome;
        while (true)
        {
            if (position >= literalLimit)
            {
                outcome = Outcome.LiteralFull;
                break;
            }

            if (position > lastStart)
            {
                outcome = Outcome.NeedData;
                break;
            }

            if (!valid)
            {
                checksum.Reset(buffer.AsSpan(position, blockSize));
                valid = true;
            }

            var weak = checksum.Value;
            if (lookup.MayContain(weak))
            {
                var match = lookup.Find(weak, buffer.AsSpan(position, blockSize), preferredBlock);
                if (match >= 0)
                {
                    MatchedBlock = match;
                    outcome = Outcome.Match;
                    break;
                }
            }

            if (position < lastStart)
            {
                checksum.Roll(buffer[position], buffer[position + blockSize]);
            }
            else
            {
                valid = false;
            }

            position++;
        }

        Position = position;
        _checksum = checksum;
        _checksumValid = valid;
        return outcome;
    }

    /// <summary>Consumes the matched window: the next window starts after it.</summary>
    public void SkipMatchedBlock()
    {
        Position += BlockSize;
        LiteralStart = Position;
        _checksumValid = false;
    }

    /// <summary>Moves the unconsumed bytes <c>[LiteralStart, Filled)</c> to the front of the buffer.</summary>
    public void Compact()
    {
        if (LiteralStart == 0)
        {
            return;
        }

        Buffer.AsSpan(LiteralStart, Filled - LiteralStart).CopyTo(Buffer);
        Position -= LiteralStart;
        Filled -= LiteralStart;
        LiteralStart = 0;
    }

    /// <summary>At the end of the content: whether the short last basis block ends it exactly.</summary>
    public bool TailMatchesLastBlock(int lastBlockLength) =>
        Filled - Position >= lastBlockLength && _lookup.MatchesLastBlock(Buffer.AsSpan(Filled - lastBlockLength, lastBlockLength));

    public void Dispose()
    {
        var buffer = Buffer;
        Buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
