namespace KubeSync.Engine.Protocol;

/// <summary>
/// One frame as read: its type and payload. The payload points into the reader's pooled buffer and is valid
/// only until the next read; <see cref="Decode"/> makes a message that owns its bytes.
/// </summary>
public readonly record struct Frame(MessageType Type, ReadOnlyMemory<byte> Payload)
{
    /// <summary>Parses the payload; every defect is a <see cref="ProtocolException"/>.</summary>
    public ProtocolMessage Decode() => MessageCodec.Decode(Type, Payload.Span);
}
