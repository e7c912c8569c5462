namespace KubeSync.Engine.Protocol;

/// <summary>
/// A message of the peer protocol. Each derived type lives in its own file with its payload layout, its
/// <see cref="Write"/> and a static <c>Read(ref PayloadReader)</c>; <see cref="MessageCodec"/> dispatches by
/// <see cref="MessageType"/>. Parsed messages own their bytes (nothing points into a reused frame buffer).
/// </summary>
public abstract record ProtocolMessage
{
    /// <summary>The frame type byte of this message.</summary>
    public abstract MessageType Type { get; }

    /// <summary>Writes the payload (without the frame header).</summary>
    public abstract void Write(PayloadWriter writer);

    /// <summary>A copy of content bytes out of the frame buffer, without first zeroing the new array.</summary>
    private protected static byte[] Copy(ReadOnlySpan<byte> bytes)
    {
        var copy = GC.AllocateUninitializedArray<byte>(bytes.Length);
        bytes.CopyTo(copy);
        return copy;
    }
}
