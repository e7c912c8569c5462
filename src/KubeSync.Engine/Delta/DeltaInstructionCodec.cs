using System.Buffers;

namespace KubeSync.Engine.Delta;

/// <summary>
/// The wire form of delta instructions, grouped in chunks (what a DeltaChunk message carries). A chunk is a
/// sequence of instructions, at most <see cref="DeltaLimits.MaxChunkLength"/> bytes, possibly empty:
/// <code>
/// copy:    u8 tag = 1, varint first block (0..1 048 575), varint block count (1..1 048 576)
/// literal: u8 tag = 2, varint length (1..65536), length bytes
/// </code>
/// Varints are unsigned LEB128 in their shortest form, at most 5 bytes.
/// </summary>
/// <remarks>
/// Decoding is for untrusted input and checks only the shape (tags, varints, lengths, truncation);
/// <see cref="DeltaApplier"/> checks block indexes against the signature and the output limit. Every
/// failure is an <see cref="InvalidDataException"/>.
/// </remarks>
public static class DeltaInstructionCodec
{
    /// <summary>Most bytes <see cref="Write"/> uses for <paramref name="instruction"/>.</summary>
    public static int GetMaxEncodedLength(DeltaInstruction instruction) => instruction.Kind == DeltaInstructionKind.Literal
        ? 1 + Varint.MaxLength + instruction.Data.Length
        : 1 + (2 * Varint.MaxLength);

    /// <summary>Appends one instruction to a chunk. An instruction outside the limits is a bug of the caller (<see cref="ArgumentException"/>).</summary>
    public static void Write(IBufferWriter<byte> writer, DeltaInstruction instruction)
    {
        ArgumentNullException.ThrowIfNull(writer);
        var span = writer.GetSpan(GetMaxEncodedLength(instruction));
        var length = 1;
        span[0] = (byte)instruction.Kind;
        switch (instruction.Kind)
        {
            case DeltaInstructionKind.Copy:
                if (instruction.FirstBlock is < 0 or >= DeltaLimits.MaxBlockCount || instruction.BlockCount < 1
                    || instruction.BlockCount > DeltaLimits.MaxBlockCount - instruction.FirstBlock)
                {
                    throw new ArgumentException($"invalid copy instruction {instruction}", nameof(instruction));
                }

                length += Varint.Write(span[length..], (uint)instruction.FirstBlock);
                length += Varint.Write(span[length..], (uint)instruction.BlockCount);
                break;
            case DeltaInstructionKind.Literal:
                if (instruction.Data.Length is < 1 or > DeltaLimits.MaxLiteralLength)
                {
                    throw new ArgumentException($"invalid literal instruction {instruction}", nameof(instruction));
                }

                length += Varint.Write(span[length..], (uint)instruction.Data.Length);
                instruction.Data.Span.CopyTo(span[length..]);
                length += instruction.Data.Length;
                break;
            default:
                throw new ArgumentException($"invalid instruction kind {instruction.Kind}", nameof(instruction));
        }

        writer.Advance(length);
    }

    /// <summary>
    /// Decodes a chunk from untrusted bytes. Literal data points into <paramref name="chunk"/> (no copies),
    /// so the chunk must stay unchanged while the instructions are used.
    /// </summary>
    public static IReadOnlyList<DeltaInstruction> DecodeChunk(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.Length > DeltaLimits.MaxChunkLength)
        {
            throw new InvalidDataException($"delta chunk of {chunk.Length} bytes exceeds {DeltaLimits.MaxChunkLength}");
        }

        var instructions = new List<DeltaInstruction>();
        var reader = new WireReader(chunk.Span);
        while (reader.Remaining > 0)
        {
            var tag = reader.ReadByte("instruction tag");
            switch ((DeltaInstructionKind)tag)
            {
                case DeltaInstructionKind.Copy:
                    var first = reader.ReadVarint("copy first block", 0, DeltaLimits.MaxBlockCount - 1);
                    var count = reader.ReadVarint("copy block count", 1, DeltaLimits.MaxBlockCount - first);
                    instructions.Add(DeltaInstruction.Copy(first, count));
                    break;
                case DeltaInstructionKind.Literal:
                    var length = reader.ReadVarint("literal length", 1, DeltaLimits.MaxLiteralLength);
                    var start = reader.Position;
                    reader.ReadBytes(length, "literal data");
                    instructions.Add(DeltaInstruction.Literal(chunk.Slice(start, length)));
                    break;
                default:
                    throw new InvalidDataException($"unknown instruction tag {tag} at offset {reader.Position - 1}");
            }
        }

        return instructions;
    }
}
