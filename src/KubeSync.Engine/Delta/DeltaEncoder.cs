using System.Security.Cryptography;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The sender's half of the rsync algorithm: streams the new content against the receiver's
/// <see cref="BlockSignature"/> and emits copy runs and literals to a sink. Memory is bounded by the
/// signature's lookup table and one buffer of about <see cref="DeltaLimits.MaxLiteralLength"/> plus two
/// blocks; the content is never held whole.
/// </summary>
public sealed class DeltaEncoder : IDisposable
{
    private readonly BlockSignature _signature;
    private readonly IDeltaInstructionSink _sink;
    private readonly DeltaScanner _scanner;
    private int _runFirst = -1;
    private int _runCount;
    private long _literalBytes;
    private long _copiedBytes;

    private DeltaEncoder(BlockSignature signature, IDeltaInstructionSink sink)
    {
        _signature = signature;
        _sink = sink;
        _scanner = new DeltaScanner(signature);
    }

    /// <summary>
    /// Reads <paramref name="content"/> (any readable stream, from its current position to its end) and writes
    /// the instructions that rebuild it from the basis of <paramref name="signature"/> to <paramref name="sink"/>.
    /// Consecutive matched blocks become one copy; literals are at most <see cref="DeltaLimits.MaxLiteralLength"/>.
    /// </summary>
    public static Task<DeltaEncodeResult> EncodeAsync(Stream content, BlockSignature signature, IDeltaInstructionSink sink, CancellationToken cancellationToken) =>
        EncodeAsync(content, signature, sink, hashContent: true, cancellationToken);

    /// <inheritdoc cref="EncodeAsync(Stream, BlockSignature, IDeltaInstructionSink, CancellationToken)"/>
    /// <param name="hashContent">
    /// False when the caller already knows the content's SHA-256 (and checks by other means that the content did not
    /// change while it was read): <see cref="DeltaEncodeResult.ContentHash"/> is then empty.
    /// </param>
    public static async Task<DeltaEncodeResult> EncodeAsync(Stream content, BlockSignature signature, IDeltaInstructionSink sink, bool hashContent, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(sink);
        // Disposing returns the scanner's buffer: the sink has copied every literal by then (it encodes them as they come).
        using var encoder = new DeltaEncoder(signature, sink);
        return await encoder.RunAsync(content, hashContent, cancellationToken);
    }

    public void Dispose() => _scanner.Dispose();

    private async Task<DeltaEncodeResult> RunAsync(Stream content, bool hashContent, CancellationToken cancellationToken)
    {
        using var hash = hashContent ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        if (_signature.BlockCount == 0)
        {
            return await CopyLiteralAsync(content, hash, cancellationToken);
        }

        var scanner = _scanner;
        var length = 0L;
        var endOfContent = false;
        while (true)
        {
            var outcome = scanner.Scan(_runFirst >= 0 ? _runFirst + _runCount : -1);
            if (outcome == DeltaScanner.Outcome.Match)
            {
                // Once per matched block: stay out of async calls unless there is something to send.
                if (scanner.Position > scanner.LiteralStart)
                {
                    await EmitLiteralAsync(scanner.LiteralStart, scanner.Position, cancellationToken);
                }

                if (!TryExtendRun(scanner.MatchedBlock))
                {
                    await StartRunAsync(scanner.MatchedBlock, cancellationToken);
                }

                scanner.SkipMatchedBlock();
            }
            else if (outcome == DeltaScanner.Outcome.LiteralFull)
            {
                await EmitLiteralAsync(scanner.LiteralStart, scanner.Position, cancellationToken);
                scanner.LiteralStart = scanner.Position;
            }
            else if (endOfContent)
            {
                break;
            }
            else
            {
                scanner.Compact();
                var free = scanner.Buffer.Length - scanner.Filled;
                var read = await content.ReadAtLeastAsync(scanner.Buffer.AsMemory(scanner.Filled, free), free, throwOnEndOfStream: false, cancellationToken);
                hash?.AppendData(scanner.Buffer, scanner.Filled, read);
                scanner.Filled += read;
                length += read;
                endOfContent = read < free;
            }
        }

        await FinishTailAsync(cancellationToken);
        return new DeltaEncodeResult(length, _literalBytes, _copiedBytes, hash?.GetHashAndReset() ?? []);
    }

    /// <summary>
    /// Against an empty basis (the receiver has no copy) nothing can match: the content goes as literals as it is
    /// read, without rolling a checksum over every byte.
    /// </summary>
    private async Task<DeltaEncodeResult> CopyLiteralAsync(Stream content, IncrementalHash? hash, CancellationToken cancellationToken)
    {
        var buffer = _scanner.Buffer.AsMemory(0, DeltaLimits.MaxLiteralLength);
        var length = 0L;
        while (true)
        {
            var read = await content.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken);
            if (read > 0)
            {
                hash?.AppendData(buffer.Span[..read]);
                await _sink.WriteAsync(DeltaInstruction.Literal(buffer[..read]), cancellationToken);
                length += read;
                _literalBytes += read;
            }

            if (read < buffer.Length)
            {
                return new DeltaEncodeResult(length, _literalBytes, 0, hash?.GetHashAndReset() ?? []);
            }
        }
    }

    /// <summary>
    /// The end of the content: the basis's short last block can only match here, exactly at the end
    /// (as in rsync); everything else left is literal.
    /// </summary>
    private async Task FinishTailAsync(CancellationToken cancellationToken)
    {
        var scanner = _scanner;
        var lastLength = _signature.LastBlockLength;
        var shortLast = _signature.BlockCount > 0 && lastLength < _signature.BlockSize;
        if (shortLast && scanner.TailMatchesLastBlock(lastLength))
        {
            await EmitLiteralAsync(scanner.LiteralStart, scanner.Filled - lastLength, cancellationToken);
            if (!TryExtendRun(_signature.BlockCount - 1))
            {
                await StartRunAsync(_signature.BlockCount - 1, cancellationToken);
            }
        }
        else
        {
            await EmitLiteralAsync(scanner.LiteralStart, scanner.Filled, cancellationToken);
        }

        await FlushRunAsync(cancellationToken);
    }

    private async ValueTask EmitLiteralAsync(int start, int end, CancellationToken cancellationToken)
    {
        if (end <= start)
        {
            return;
        }

        await FlushRunAsync(cancellationToken);
        for (var offset = start; offset < end; offset += DeltaLimits.MaxLiteralLength)
        {
            var count = Math.Min(DeltaLimits.MaxLiteralLength, end - offset);
            await _sink.WriteAsync(DeltaInstruction.Literal(_scanner.Buffer.AsMemory(offset, count)), cancellationToken);
            _literalBytes += count;
        }
    }

    /// <summary>Adds <paramref name="block"/> to the current copy run if it continues it and the run is shorter than <see cref="DeltaLimits.RunBlocks"/>.</summary>
    private bool TryExtendRun(int block)
    {
        if (_runFirst < 0 || block != _runFirst + _runCount || _runCount >= DeltaLimits.RunBlocks(_signature.BlockSize))
        {
            return false;
        }

        _runCount++;
        _copiedBytes += _signature.GetBlockLength(block);
        return true;
    }

    private async ValueTask StartRunAsync(int block, CancellationToken cancellationToken)
    {
        await FlushRunAsync(cancellationToken);
        _runFirst = block;
        _runCount = 1;
        _copiedBytes += _signature.GetBlockLength(block);
    }

    private async ValueTask FlushRunAsync(CancellationToken cancellationToken)
    {
        if (_runFirst < 0)
        {
            return;
        }

        await _sink.WriteAsync(DeltaInstruction.Copy(_runFirst, _runCount), cancellationToken);
        _runFirst = -1;
        _runCount = 0;
    }
}
