namespace KubeSync.Engine.Tests.Protocol;

/// <summary>Writes payload primitives without any checks, as a hostile peer would.</summary>
internal sealed class RawPayload
{
    public List<byte> Bytes { get; } = [];

    public RawPayload Byte(byte value)
    {
        Bytes.Add(value);
        return this;
    }

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

    public RawPayload Blob(byte[] value)
    {
        Varint((ulong)value.Length);
        Bytes.AddRange(value);
        return this;
    }

    public RawPayload Text(string value) => Blob(System.Text.Encoding.UTF8.GetBytes(value));
}
