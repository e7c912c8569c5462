using KubeSync.Engine.Security;

namespace KubeSync.Engine.Protocol;

/// <summary>
/// The first message of each side: the protocol versions it speaks, its group and node id, and a fresh
/// nonce for the proof.
/// <code>varint min version (1..65535), varint max version (min..65535), name group, name node id, bytes nonce (16..64)</code>
/// </summary>
public sealed record Hello(int MinVersion, int MaxVersion, string Group, string NodeId, byte[] Nonce) : ProtocolMessage
{
    public override MessageType Type => MessageType.Hello;

    public override void Write(PayloadWriter writer)
    {
        if (MinVersion < 1 || MaxVersion < MinVersion || MaxVersion > ushort.MaxValue)
        {
            throw new InvalidOperationException($"invalid version range {MinVersion}..{MaxVersion}");
        }

        if (Nonce.Length is < HandshakeProof.MinNonceLength or > HandshakeProof.MaxNonceLength)
        {
            throw new InvalidOperationException($"a nonce must be {HandshakeProof.MinNonceLength}..{HandshakeProof.MaxNonceLength} bytes");
        }

        ArgumentException.ThrowIfNullOrEmpty(Group);
        ArgumentException.ThrowIfNullOrEmpty(NodeId);
        writer.WriteVarint((ulong)MinVersion);
        writer.WriteVarint((ulong)MaxVersion);
        writer.WriteString(Group, ProtocolLimits.MaxNameBytes, "group");
        writer.WriteString(NodeId, ProtocolLimits.MaxNameBytes, "node id");
        writer.WriteBytes(Nonce, HandshakeProof.MaxNonceLength, "nonce");
    }

    public static Hello Read(ref PayloadReader reader)
    {
        var min = reader.ReadVarint32("min version", 1, ushort.MaxValue);
        var max = reader.ReadVarint32("max version", min, ushort.MaxValue);
        var group = reader.ReadName("group");
        var nodeId = reader.ReadName("node id");
        var nonce = reader.ReadBytes("nonce", HandshakeProof.MaxNonceLength);
        if (nonce.Length < HandshakeProof.MinNonceLength)
        {
            throw reader.Malformed("nonce", $"{nonce.Length} bytes, at least {HandshakeProof.MinNonceLength} required");
        }

        return new Hello(min, max, group, nodeId, nonce.ToArray());
    }
}
