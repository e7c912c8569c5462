using KubeSync.Engine.Security;

namespace KubeSync.Engine.Tests.Security;

public sealed class HandshakeProofTests
{
    private static readonly byte[] Key = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
    private static readonly byte[] InitiatorNonce = Enumerable.Repeat((byte)0xA1, 32).ToArray();
    private static readonly byte[] ResponderNonce = Enumerable.Repeat((byte)0xB2, 32).ToArray();

    [Fact]
    public void Verify_ProofFromEitherSide_MatchesOnTheOther()
    {
        var initiatorProof = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce);
        var responderProof = HandshakeProof.Compute(Key, HandshakeRole.Responder, "web-0", InitiatorNonce, "web-1", ResponderNonce);

        Assert.Equal(HandshakeProof.ProofLength, initiatorProof.Length);
        Assert.True(HandshakeProof.Verify(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce, initiatorProof));
        Assert.True(HandshakeProof.Verify(Key, HandshakeRole.Responder, "web-0", InitiatorNonce, "web-1", ResponderNonce, responderProof));
    }

    [Fact]
    public void Verify_ReflectedProof_IsRejected()
    {
        var initiatorProof = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce);

        Assert.False(HandshakeProof.Verify(Key, HandshakeRole.Responder, "web-0", InitiatorNonce, "web-1", ResponderNonce, initiatorProof));
    }

    public static TheoryData<string> ChangedInputs => ["key", "initiator node", "initiator nonce", "responder node", "responder nonce", "swapped sides"];

    [Theory]
    [MemberData(nameof(ChangedInputs))]
    public void Compute_AnyInputChanged_GivesAnotherProof(string change)
    {
        var original = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce);
        var flipped = (byte[])InitiatorNonce.Clone();
        flipped[^1] ^= 1;
        var otherKey = (byte[])Key.Clone();
        otherKey[0] ^= 0x80;

        var changed = change switch
        {
            "key" => HandshakeProof.Compute(otherKey, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce),
            "initiator node" => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-2", InitiatorNonce, "web-1", ResponderNonce),
            "initiator nonce" => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", flipped, "web-1", ResponderNonce),
            "responder node" => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-2", ResponderNonce),
            "responder nonce" => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", flipped),
            "swapped sides" => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-1", ResponderNonce, "web-0", InitiatorNonce),
            _ => throw new ArgumentOutOfRangeException(nameof(change)),
        };

        Assert.NotEqual(original, changed);
        Assert.False(HandshakeProof.Verify(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce, changed));
    }

    [Fact]
    public void Compute_SameBytesSplitDifferentlyBetweenFields_GivesAnotherProof()
    {
        // Without length prefixes "web-0" + "x…" and "web-0x" + "…" would be the same bytes.
        var nonce = Enumerable.Repeat((byte)'x', 1).Concat(Enumerable.Repeat((byte)7, 31)).ToArray();

        var a = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", nonce, "web-1", ResponderNonce);
        var b = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0x", nonce.AsSpan(1), "web-1", ResponderNonce);

        Assert.NotEqual(a, b);
    }

    [Fact]
    public void Verify_TruncatedOrEmptyProof_IsRejected()
    {
        var proof = HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce);

        Assert.False(HandshakeProof.Verify(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce, proof.AsSpan(0, 31)));
        Assert.False(HandshakeProof.Verify(Key, HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce, []));
    }

    [Fact]
    public void Compute_ShortKeyOrBadNonce_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => HandshakeProof.Compute(new byte[15], HandshakeRole.Initiator, "web-0", InitiatorNonce, "web-1", ResponderNonce));
        Assert.Throws<ArgumentException>(() => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "web-0", new byte[15], "web-1", ResponderNonce));
        Assert.Throws<ArgumentException>(() => HandshakeProof.Compute(Key, HandshakeRole.Initiator, "", InitiatorNonce, "web-1", ResponderNonce));
        Assert.Throws<ArgumentOutOfRangeException>(() => HandshakeProof.Compute(Key, (HandshakeRole)3, "web-0", InitiatorNonce, "web-1", ResponderNonce));
    }

    [Fact]
    public void CreateNonce_TwoCalls_AreRandomAndFullLength()
    {
        var a = HandshakeProof.CreateNonce();
        var b = HandshakeProof.CreateNonce();

        Assert.Equal(HandshakeProof.NonceLength, a.Length);
        Assert.NotEqual(a, b);
    }
}
