using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace KubeSync.Engine.Security;

/// <summary>
/// Proof that a member knows the group key without sending it:
/// <c>HMAC-SHA256(groupKey, transcript)</c> over both nonces and both node ids of one connection.
/// </summary>
/// <remarks>
/// <para>The transcript is unambiguous: every field is length-prefixed (u32 big-endian, then the bytes), the
/// initiator's fields come first, so both ends compute the same bytes for the same connection:</para>
/// <code>
/// field("kubesync-handshake-proof-v1")
/// u8 prover role (1 = initiator, 2 = responder)
/// field(UTF-8 initiator node id)  field(initiator nonce)
/// field(UTF-8 responder node id)  field(responder nonce)
/// </code>
/// <para>The prover's role is part of the transcript, so the two proofs of one connection differ: a peer
/// without the key cannot pass by sending back the proof it just received (a reflection). Each end sends
/// <c>Compute(key, itsRole, …)</c> and checks the other's with <c>Verify(key, otherRole, …)</c>.</para>
/// <para>Node ids and nonces come from Hello messages; the protocol checks their lengths when it parses
/// them. Here an invalid field is a bug of the caller and throws <see cref="ArgumentException"/>.</para>
/// </remarks>
public static class HandshakeProof
{
    /// <summary>Length of the nonces <see cref="CreateNonce"/> makes.</summary>
    public const int NonceLength = 32;

    /// <summary>Shortest and longest nonce accepted.</summary>
    public const int MinNonceLength = 16;

    public const int MaxNonceLength = 64;

    /// <summary>Shortest group key accepted.</summary>
    public const int MinKeyLength = 16;

    /// <summary>Longest node id in UTF-8 bytes.</summary>
    public const int MaxNodeIdBytes = 253;

    /// <summary>Length of a proof (an HMAC-SHA256).</summary>
    public const int ProofLength = HMACSHA256.HashSizeInBytes;

    private static readonly byte[] Label = "kubesync-handshake-proof-v1"u8.ToArray();

    /// <summary>A fresh random nonce for a Hello.</summary>
    public static byte[] CreateNonce() => RandomNumberGenerator.GetBytes(NonceLength);

    /// <summary>The proof the member in role <paramref name="prover"/> sends on this connection.</summary>
    public static byte[] Compute(ReadOnlySpan<byte> groupKey, HandshakeRole prover, string initiatorNodeId, ReadOnlySpan<byte> initiatorNonce, string responderNodeId, ReadOnlySpan<byte> responderNonce)
    {
        if (groupKey.Length < MinKeyLength)
        {
            throw new ArgumentException($"the group key must be at least {MinKeyLength} bytes", nameof(groupKey));
        }

        if (prover is not (HandshakeRole.Initiator or HandshakeRole.Responder))
        {
            throw new ArgumentOutOfRangeException(nameof(prover), prover, "unknown handshake role");
        }

        var transcript = new List<byte>(256);
        AddField(transcript, Label);
        transcript.Add((byte)prover);
        AddField(transcript, NodeIdBytes(initiatorNodeId, nameof(initiatorNodeId)));
        AddField(transcript, CheckNonce(initiatorNonce, nameof(initiatorNonce)));
        AddField(transcript, NodeIdBytes(responderNodeId, nameof(responderNodeId)));
        AddField(transcript, CheckNonce(responderNonce, nameof(responderNonce)));
        return HMACSHA256.HashData(groupKey, [.. transcript]);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> is the proof the member in role <paramref name="prover"/> must send,
    /// compared in constant time. A proof of the wrong length is simply wrong.
    /// </summary>
    public static bool Verify(ReadOnlySpan<byte> groupKey, HandshakeRole prover, string initiatorNodeId, ReadOnlySpan<byte> initiatorNonce, string responderNodeId, ReadOnlySpan<byte> responderNonce, ReadOnlySpan<byte> proof)
    {
        var expected = Compute(groupKey, prover, initiatorNodeId, initiatorNonce, responderNodeId, responderNonce);
        return CryptographicOperations.FixedTimeEquals(expected, proof);
    }

    private static void AddField(List<byte> transcript, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(length, (uint)field.Length);
        transcript.AddRange(length);
        transcript.AddRange(field);
    }

    private static byte[] NodeIdBytes(string nodeId, string parameter)
    {
        ArgumentException.ThrowIfNullOrEmpty(nodeId, parameter);
        var bytes = Encoding.UTF8.GetBytes(nodeId);
        if (bytes.Length > MaxNodeIdBytes)
        {
            throw new ArgumentException($"node id longer than {MaxNodeIdBytes} bytes", parameter);
        }

        return bytes;
    }

    private static ReadOnlySpan<byte> CheckNonce(ReadOnlySpan<byte> nonce, string parameter)
    {
        if (nonce.Length is < MinNonceLength or > MaxNonceLength)
        {
            throw new ArgumentException($"a nonce must be {MinNonceLength}..{MaxNonceLength} bytes, not {nonce.Length}", parameter);
        }

        return nonce;
    }
}
