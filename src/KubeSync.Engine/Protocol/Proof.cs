namespace KubeSync.Engine.Protocol;

/// <summary>
/// The sender's handshake proof: <c>HandshakeProof.Compute(key, senderRole, …)</c>.
/// <code>bytes hmac (exactly 32)</code>
/// </summary>
public sealed record Proof(byte[] Hmac) : ProtocolMessage
{
    public override MessageType Type => MessageType.Proof;

    public override void Write(PayloadWriter writer)
    {
        if (Hmac.Length != ProtocolLimits.HashLength)
        {
            throw new InvalidOperationException($"a proof is {ProtocolLimits.HashLength} bytes");
        }

        writer.WriteBytes(Hmac, ProtocolLimits.HashLength, "hmac");
    }

    public static Proof Read(ref PayloadReader reader) => new(reader.ReadHash("hmac", optional: false)!);
}
