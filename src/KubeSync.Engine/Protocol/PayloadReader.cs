using System.Text;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// Reads the codec primitives of message payloads from untrusted bytes. Every read is bounds-checked; a
/// payload that ends inside a field is <see cref="ProtocolError.Truncated"/>, any other defect (a varint
/// too long or not in its shortest form, a value out of range, invalid UTF-8) is
/// <see cref="ProtocolError.Malformed"/>, always as a <see cref="ProtocolException"/> naming the field.
/// </summary>
public ref struct PayloadReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public PayloadReader(ReadOnlySpan<byte> data)
    {
        _data = data;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public byte ReadByte(string field)
    {
        if (Remaining < 1)
        {
            throw Truncated(field);
        }

        return _data[_position++];
    }

    /// <summary>A boolean byte; anything but 0 or 1 is malformed.</summary>
    public bool ReadBool(string field) => ReadByte(field) switch
    {
        0 => false,
        1 => true,
        var b => throw Malformed(field, $"{b} is not a boolean (0 or 1)"),
    };

    /// <summary>An unsigned LEB128 varint of at most 10 bytes in its shortest form, at most <paramref name="max"/>.</summary>
    public ulong ReadVarint(string field, ulong max = ulong.MaxValue)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            var b = ReadByte(field);
            if (shift == 63 && b > 1)
            {
                throw Malformed(field, "varint overflows 64 bits");
            }

            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0)
                {
                    throw Malformed(field, "varint not in its shortest form");
                }

                break;
            }
        }

        return value <= max ? value : throw Malformed(field, $"{value} exceeds {max}");
    }

    /// <summary>A varint within <paramref name="min"/>..<paramref name="max"/> as an <see cref="int"/>.</summary>
    public int ReadVarint32(string field, int min, int max)
    {
        var value = ReadVarint(field, (ulong)max);
        return value >= (ulong)min ? (int)value : throw Malformed(field, $"{value} is below {min}");
    }

    /// <summary>A non-negative 64-bit value (a varint up to <see cref="long.MaxValue"/>).</summary>
    public long ReadVarint63(string field) => (long)ReadVarint(field, long.MaxValue);

    /// <summary>A zigzag-encoded signed 64-bit value.</summary>
    public long ReadSignedVarint(string field)
    {
        var raw = ReadVarint(field);
        return (long)(raw >> 1) ^ -(long)(raw & 1);
    }

    /// <summary>A byte string of at most <paramref name="maxLength"/> bytes; the span points into the payload.</summary>
    public ReadOnlySpan<byte> ReadBytes(string field, int maxLength)
    {
        var length = ReadVarint32(field + " length", 0, maxLength);
        return ReadFixed(field, length);
    }

    /// <summary><paramref name="count"/> raw bytes; the span points into the payload.</summary>
    public ReadOnlySpan<byte> ReadFixed(string field, int count)
    {
        if (Remaining < count)
        {
            throw Truncated(field);
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    /// <summary>A strict UTF-8 string of at most <paramref name="maxBytes"/> bytes without control characters.</summary>
    public string ReadString(string field, int maxBytes)
    {
        var bytes = ReadBytes(field, maxBytes);
        string text;
        try
        {
            text = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw Malformed(field, "not valid UTF-8");
        }

        return text.Any(char.IsControl) ? throw Malformed(field, "contains a control character") : text;
    }

    /// <summary>A name (node id, group): a string of 1..<see cref="ProtocolLimits.MaxNameBytes"/> bytes.</summary>
    public string ReadName(string field)
    {
        var name = ReadString(field, ProtocolLimits.MaxNameBytes);
        return name.Length > 0 ? name : throw Malformed(field, "empty");
    }

    /// <summary>A SHA-256 hash as a byte string of exactly 32 bytes, or none (length 0) when <paramref name="optional"/>.</summary>
    public byte[]? ReadHash(string field, bool optional)
    {
        var bytes = ReadBytes(field, int.MaxValue);
        return bytes.Length switch
        {
            ProtocolLimits.HashLength => bytes.ToArray(),
            0 when optional => null,
            var n => throw Malformed(field, $"a hash must be {ProtocolLimits.HashLength} bytes, not {n}"),
        };
    }

    /// <summary>A path relative to the sync root, validated by <see cref="SyncPath.TryParseUtf8"/>.</summary>
    public SyncPath ReadPath(string field)
    {
        var bytes = ReadBytes(field, SyncPath.MaxBytes);
        return SyncPath.TryParseUtf8(bytes, out var path, out var error)
            ? path
            : throw Malformed(field, $"invalid path: {error}");
    }

    /// <summary>Fails unless the whole payload has been read.</summary>
    public readonly void EnsureEnd(string message)
    {
        if (Remaining != 0)
        {
            throw new ProtocolException(ProtocolError.Malformed, $"{message}: {Remaining} trailing bytes after the last field");
        }
    }

    /// <summary>A malformed-payload exception naming <paramref name="field"/> and the offset.</summary>
    public readonly ProtocolException Malformed(string field, string problem) =>
        new(ProtocolError.Malformed, $"{field}: {problem} (payload offset {_position})");

    private readonly ProtocolException Truncated(string field) =>
        new(ProtocolError.Truncated, $"{field}: payload ends at offset {_position} of {_data.Length}");
}
