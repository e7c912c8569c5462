using System.Buffers;
using System.Text;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Writes the codec primitives of message payloads (see <c>docs/protocol.md</c>): unsigned LEB128 varints,
/// zigzag varints for signed values, and length-prefixed byte strings and UTF-8 strings. A value outside
/// the format's limits is a bug of the caller and throws <see cref="ArgumentException"/>.
/// </summary>
public readonly struct PayloadWriter
{
    private const int MaxVarintLength = 10;

    private readonly IBufferWriter<byte> _output;

    public PayloadWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    public void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }

    /// <summary>A boolean as one byte, 0 or 1.</summary>
    public void WriteBool(bool value) => WriteByte(value ? (byte)1 : (byte)0);

    /// <summary>An unsigned LEB128 varint in its shortest form (1..10 bytes).</summary>
    public void WriteVarint(ulong value)
    {
        var span = _output.GetSpan(MaxVarintLength);
        var i = 0;
        while (value >= 0x80)
        {
            span[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[i++] = (byte)value;
        _output.Advance(i);
    }

    /// <summary>A non-negative 64-bit value as a varint; a negative value is a bug.</summary>
    public void WriteVarint(long value, string field)
    {
        if (value < 0)
        {
            throw new ArgumentOutOfRangeException(field, value, "must not be negative");
        }

        WriteVarint((ulong)value);
    }

    /// <summary>A signed 64-bit value, zigzag-encoded (0, -1, 1, -2, … → 0, 1, 2, 3, …) as a varint.</summary>
    public void WriteSignedVarint(long value) => WriteVarint((ulong)((value << 1) ^ (value >> 63)));

    /// <summary>A byte string: varint length, then the bytes.</summary>
    public void WriteBytes(ReadOnlySpan<byte> value, int maxLength, string field)
    {
        if (value.Length > maxLength)
        {
            throw new ArgumentException($"{field}: {value.Length} bytes exceed {maxLength}", field);
        }

        WriteVarint((ulong)value.Length);
        _output.Write(value);
    }

    /// <summary>A UTF-8 string: varint byte length, then the bytes (no terminator).</summary>
    public void WriteString(string value, int maxBytes, string field)
    {
        ArgumentNullException.ThrowIfNull(value, field);
        var length = Encoding.UTF8.GetByteCount(value);
        if (length > maxBytes)
        {
            throw new ArgumentException($"{field}: {length} bytes exceed {maxBytes}", field);
        }

        WriteVarint((ulong)length);
        var span = _output.GetSpan(length);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(length);
    }
}
