namespace KubeSync.Engine.Protocol;

/// <summary>The receiver will not take the offer (receive-only sender, excluded path, a failed apply), with a reason.
/// <code>varint request id, string reason (1..1024 bytes)</code></summary>
public sealed record Refuse(ulong RequestId, string Reason) : ProtocolMessage
{
    public override MessageType Type => MessageType.Refuse;

    public override void Write(PayloadWriter writer)
    {
        ArgumentException.ThrowIfNullOrEmpty(Reason);
        writer.WriteVarint(RequestId);
        writer.WriteString(Reason, ProtocolLimits.MaxReasonBytes, "reason");
    }

    public static Refuse Read(ref PayloadReader reader)
    {
        var requestId = reader.ReadVarint("request id");
        var reason = reader.ReadString("reason", ProtocolLimits.MaxReasonBytes);
        return reason.Length > 0 ? new Refuse(requestId, reason) : throw reader.Malformed("reason", "empty");
    }
}
