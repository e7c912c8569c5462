using System.Buffers;
using System.Security.Cryptography;

using Microsoft.Win32.SafeHandles;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The receiver's half: takes instructions in order (it is an <see cref="IDeltaInstructionSink"/>), checks
/// each against the signature the receiver sent and the output limit before writing anything, copies
/// block runs from the basis by random access, and hashes what it writes.
/// </summary>
/// <remarks>
/// Any instruction that is malformed, points outside the basis, or would take the output past
/// <c>maxLength</c> throws <see cref="InvalidDataException"/> and leaves the output no longer than the
/// limit. The caller then deletes the temp file. A basis that became shorter than its signature (changed
/// under us) throws <see cref="IOException"/>; one that changed in place is caught by the final hash.
/// </remarks>
public sealed class DeltaApplier : IDeltaInstructionSink, IDisposable
{
    private const int CopyBufferLength = 1024 * 1024;

    private readonly BlockSignature _signature;
    private readonly SafeFileHandle? _basisHandle;
    private readonly Stream? _basisStream;
    private readonly Stream _output;
    private readonly long _maxLength;
    private readonly IncrementalHash? _hash;
    private long _length;
    private long _copiedBytes;
    private bool _completed;

    /// <summary>Applies a delta reading the basis through <paramref name="basis"/> (positional reads; the handle stays the caller's).</summary>
    /// <param name="hashOutput">False when the output stream verifies what it is given itself: the result's hash is then empty.</param>
    public DeltaApplier(BlockSignature signature, SafeFileHandle basis, Stream output, long maxLength, bool hashOutput = true)
        : this(signature, output, maxLength, hashOutput)
    {
        ArgumentNullException.ThrowIfNull(basis);
        _basisHandle = basis;
    }

    /// <summary>Applies a delta reading the basis from a seekable <paramref name="basis"/> stream (it stays the caller's).</summary>
    /// <param name="hashOutput">False when the output stream verifies what it is given itself: the result's hash is then empty.</param>
    public DeltaApplier(BlockSignature signature, Stream basis, Stream output, long maxLength, bool hashOutput = true)
        : this(signature, output, maxLength, hashOutput)
    {
        ArgumentNullException.ThrowIfNull(basis);
        if (!basis.CanSeek || !basis.CanRead)
        {
            throw new ArgumentException("the basis stream must be readable and seekable", nameof(basis));
        }

        _basisStream = basis;
    }

    private DeltaApplier(BlockSignature signature, Stream output, long maxLength, bool hashOutput)
    {
        _hash = hashOutput ? IncrementalHash.CreateHash(HashAlgorithmName.SHA256) : null;
        ArgumentNullException.ThrowIfNull(signature);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentOutOfRangeException.ThrowIfNegative(maxLength);
        _signature = signature;
        _output = output;
        _maxLength = maxLength;
    }

    /// <summary>Bytes written so far.</summary>
    public long Length => _length;

    /// <summary>Validates and applies one instruction.</summary>
    public async ValueTask WriteAsync(DeltaInstruction instruction, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        switch (instruction.Kind)
        {
            case DeltaInstructionKind.Copy:
                await CopyAsync(instruction.FirstBlock, instruction.BlockCount, cancellationToken);
                break;
            case DeltaInstructionKind.Literal:
                await WriteLiteralAsync(instruction.Data, cancellationToken);
                break;
            default:
                throw new InvalidDataException($"unknown delta instruction kind {(byte)instruction.Kind}");
        }
    }

    /// <summary>
    /// Decodes one instruction chunk (a DeltaChunk payload, untrusted) with <see cref="DeltaInstructionCodec"/>
    /// and applies its instructions in order.
    /// </summary>
    public async ValueTask ApplyChunkAsync(ReadOnlyMemory<byte> chunk, CancellationToken cancellationToken)
    {
        foreach (var instruction in DeltaInstructionCodec.DecodeChunk(chunk))
        {
            await WriteAsync(instruction, cancellationToken);
        }
    }

    /// <summary>Ends the delta: flushes the output and returns its length and SHA-256. No instruction is accepted after.</summary>
    public async Task<DeltaApplyResult> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        await _output.FlushAsync(cancellationToken);
        return new DeltaApplyResult(_length, _copiedBytes, _hash?.GetHashAndReset() ?? []);
    }

    public void Dispose() => _hash?.Dispose();

    private async ValueTask WriteLiteralAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        if (data.Length is < 1 or > DeltaLimits.MaxLiteralLength)
        {
            throw new InvalidDataException($"literal of {data.Length} bytes is outside 1..{DeltaLimits.MaxLiteralLength}");
        }

        EnsureRoom(data.Length);
        await _output.WriteAsync(data, cancellationToken);
        _hash?.AppendData(data.Span);
        _length += data.Length;
    }

    private async ValueTask CopyAsync(int firstBlock, int blockCount, CancellationToken cancellationToken)
    {
        var blocks = _signature.BlockCount;
        if (firstBlock < 0 || blockCount < 1 || (long)firstBlock + blockCount > blocks)
        {
            throw new InvalidDataException($"copy of blocks {firstBlock}+{blockCount} is outside the basis's {blocks} blocks");
        }

        var lastBlock = firstBlock + blockCount - 1;
        var offset = _signature.GetOffset(firstBlock);
        var length = _signature.GetOffset(lastBlock) + _signature.GetBlockLength(lastBlock) - offset;
        EnsureRoom(length);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(CopyBufferLength, length));
        try
        {
            for (var done = 0L; done < length;)
            {
                var want = (int)Math.Min(buffer.Length, length - done);
                var read = _basisHandle is not null
                    ? ReadBasis(buffer.AsSpan(0, want), offset + done)
                    : await ReadBasisAsync(buffer.AsMemory(0, want), offset + done, cancellationToken);
                if (read < want)
                {
                    throw new IOException($"the basis ended at {offset + done + read} bytes, before the {_signature.Length} its signature covers: it changed during the transfer");
                }

                // The receiver's output (HashingWriteStream) writes synchronously, so this await does not hop either.
                await _output.WriteAsync(buffer.AsMemory(0, want), cancellationToken);

                _hash?.AppendData(buffer, 0, want);
                done += want;
                _length += want;
                _copiedBytes += want;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void EnsureRoom(long count)
    {
        if (count > _maxLength - _length)
        {
            throw new InvalidDataException($"the delta writes past its limit of {_maxLength} bytes");
        }
    }

    private int ReadBasis(Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var read = RandomAccess.Read(_basisHandle!, destination[total..], offset + total);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }

    private async ValueTask<int> ReadBasisAsync(Memory<byte> destination, long offset, CancellationToken cancellationToken)
    {
        var total = 0;
        while (total < destination.Length)
        {
            _basisStream!.Position = offset + total;
            var read = await _basisStream.ReadAsync(destination[total..], cancellationToken);
            if (read == 0)
            {
                break;
            }

            total += read;
        }

        return total;
    }
}
