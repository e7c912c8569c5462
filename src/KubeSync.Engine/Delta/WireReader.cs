using System.Buffers.Binary;

namespace KubeSync.Engine.Delta;

/// <summary>
/// Reads the delta codecs' primitives from untrusted bytes: every read is bounds-checked and every failure is
/// an <see cref="InvalidDataException"/> naming the field, never an index or overflow exception.
/// </summary>
internal ref struct WireReader
{
    private readonly ReadOnlySpan<byte> _data;
    private int _position;

    public WireReader(ReadOnlySpan<byte> data)
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

    public uint ReadUInt32LittleEndian(string field)
    {
        if (Remaining < 4)
        {
            throw Truncated(field);
        }

        var value = BinaryPrimitives.ReadUInt32LittleEndian(_data.Slice(_position, 4));
        _position += 4;
        return value;
    }

    /// <summary>Reads an unsigned LEB128 varint of at most 5 bytes, in its shortest form, within <paramref name="min"/>..<paramref name="max"/>.</summary>
    public int ReadVarint(string field, int min, int max)
    {
        ulong value = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (shift > 28)
            {
                throw new InvalidDataException($"{field}: varint longer than 5 bytes at offset {_position}");
            }

            var b = ReadByte(field);
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                if (b == 0 && shift > 0)
                {
                    throw new InvalidDataException($"{field}: varint not in its shortest form at offset {_position}");
                }

                break;
            }
        }

        if (value < (ulong)min || value > (ulong)max)
        {
            throw new InvalidDataException($"{field}: {value} is outside {min}..{max}");
        }

        return (int)value;
    }

    public ReadOnlySpan<byte> ReadBytes(int count, string field)
    {
        if (count < 0 || Remaining < count)
        {
            throw Truncated(field);
        }

        var bytes = _data.Slice(_position, count);
        _position += count;
        return bytes;
    }

    private readonly InvalidDataException Truncated(string field) =>
        new($"{field}: input truncated at offset {_position} of {_data.Length}");
}
