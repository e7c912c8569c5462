namespace KubeSync.Engine.Delta;

/// <summary>Unsigned LEB128: 7 bits per byte, least significant group first, high bit set on all but the last byte.</summary>
internal static class Varint
{
    /// <summary>Longest encoding of a 32-bit value.</summary>
    public const int MaxLength = 5;

    /// <summary>Writes <paramref name="value"/> in its shortest form; returns the bytes written.</summary>
    public static int Write(Span<byte> destination, uint value)
    {
        var i = 0;
        while (value >= 0x80)
        {
            destination[i++] = (byte)(value | 0x80);
            value >>= 7;
        }

        destination[i++] = (byte)value;
        return i;
    }

    public static int GetLength(uint value)
    {
        var length = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            length++;
        }

        return length;
    }
}
