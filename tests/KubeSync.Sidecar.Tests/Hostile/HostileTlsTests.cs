using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>Hostile peers of a member secured by mutual TLS: TLS keeps out strangers, not misbehaving members.</summary>
public sealed class HostileTlsTests(HostileTlsMemberFixture fixture) : IClassFixture<HostileTlsMemberFixture>
{
    private MemberProcess Member => fixture.Member;

    [Fact]
    public async Task Connect_GarbageAfterTlsHandshake_RefusedWithGoodbyeOverTls()
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port, fixture.ClientTls))
        {
            Assert.IsType<System.Net.Security.SslStream>(client.Stream);
            await client.SendAsync("GET / HTTP/1.1\r\nHost: web-0\r\n\r\n"u8.ToArray());
            await fixture.AssertRefusedAsync(client, ProtocolError.OversizeFrame);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Offer_PathWithDotDotOverTls_ClosedAsMalformed()
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.Offer(2, "../escape.txt", node, "evil\n"u8.ToArray()));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.Malformed);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Connect_PlaintextFramesOnTlsListener_RefusedAsTls()
    {
        var before = Member.SnapshotOutsideRoot();
        await using (var client = await HostileClient.ConnectAsync(Member.Port))
        {
            await client.SendAsync(HostileFrames.Hello(MemberProcess.Group, fixture.NextNode("evil"), new byte[32]));

            // No Goodbye is possible without a TLS session to carry it: the member just closes.
            Assert.True(await client.IsClosedWithinAsync(HostileClient.Timeout), "the member kept a plaintext connection open");
            await Member.WaitForLogAsync($"refused a connection from {client.LocalEndPoint} (tls)");
        }

        await fixture.AssertUnharmedAsync(before);
    }
}
