using System.Text;

namespace KubeSync.Testing;

/// <summary>Writes payload primitives without any checks, as a hostile peer would (docs/protocol.md "Codec primitives"):
/// for the inputs the product's own encoder refuses to produce.</summary>
public sealed class RawPayload
{
    public List<byte> Bytes { get; } = [];

    public RawPayload Byte(byte value)
    {
        Bytes.Add(value);
        return this;
    }

    public RawPayload Bool(bool value) => Byte(value ? (byte)1 : (byte)0);

    public RawPayload Varint(ulong value)
    {
        while (value >= 0x80)
        {
            Bytes.Add((byte)(value | 0x80));
            value >>= 7;
        }

        Bytes.Add((byte)value);
        return this;
    }

    /// <summary>Zigzag, then a varint.</summary>
    public RawPayload Svarint(long value) => Varint((ulong)((value << 1) ^ (value >> 63)));

    public RawPayload Blob(ReadOnlySpan<byte> value)
    {
        Varint((ulong)value.Length);
        Bytes.AddRange(value);
        return this;
    }

    public RawPayload Text(string value) => Blob(Encoding.UTF8.GetBytes(value));

    public RawPayload Raw(ReadOnlySpan<byte> value)
    {
        Bytes.AddRange(value);
        return this;
    }
}
