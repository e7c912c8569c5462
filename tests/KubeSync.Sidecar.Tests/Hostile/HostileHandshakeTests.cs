using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Hostile clients refused by a real <c>kubesync run</c> before a session starts: each is told why in a Goodbye,
/// the member logs the reason, changes nothing outside its root and keeps syncing with well-behaved peers.
/// </summary>
public sealed class HostileHandshakeTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    private MemberProcess Member => fixture.Member;

    public static TheoryData<string, byte[], ProtocolError> Garbage => new()
    {
        { "http request", "GET / HTTP/1.1\r\nHost: web-0\r\n\r\n"u8.ToArray(), ProtocolError.OversizeFrame },
        { "unknown type", [0, 0, 0, 2, 0x99, 0], ProtocolError.UnknownType },
        { "zero length", [0, 0, 0, 0, 1], ProtocolError.Malformed },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Connect_GarbageInsteadOfHello_RefusedWithReason(string what, byte[] garbage, ProtocolError expected)
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port))
        {
            await client.SendAsync(garbage);
            await fixture.AssertRefusedAsync(client, expected);

            // The responder reads the initiator's Hello before it says anything about itself.
            Assert.False(client.Received.Any(m => m is Hello), $"{what}: the member sent its Hello to a client that sent none");
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Connect_OversizeFrameBeforeHandshake_RefusedWithOversizeFrame()
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port))
        {
            await client.SendAsync(HostileFrames.Header(ProtocolLimits.DefaultMaxFrameLength + 1, MessageType.Hello));
            await fixture.AssertRefusedAsync(client, ProtocolError.OversizeFrame);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Handshake_WrongGroupKey_RefusedWithBadProof()
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port))
        {
            var node = fixture.NextNode("evil");
            var wrongKey = new byte[GroupKey.Length];
            var nonce = HandshakeProof.CreateNonce();
            await client.SendAsync(HostileFrames.Hello(MemberProcess.Group, node, nonce));
            var hello = await client.ReceiveAsync<Hello>();
            await client.SendAsync(HostileFrames.Proof(HandshakeProof.Compute(wrongKey, HandshakeRole.Initiator, node, nonce, hello.NodeId, hello.Nonce)));
            await fixture.AssertRefusedAsync(client, ProtocolError.BadProof);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Handshake_UnknownGroup_RefusedWithWrongGroup()
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port))
        {
            await client.SendAsync(HostileFrames.Hello("db", fixture.NextNode("evil"), HandshakeProof.CreateNonce()));
            await fixture.AssertRefusedAsync(client, ProtocolError.WrongGroup);
            Assert.DoesNotContain(client.Received, m => m is Hello);
        }

        await fixture.AssertUnharmedAsync(before);
    }
}
