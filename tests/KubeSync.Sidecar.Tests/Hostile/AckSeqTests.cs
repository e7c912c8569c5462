using System.Text;

using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A real <c>kubesync run</c> names, in the Ack of an applied offer, the seq it recorded the file under, on a version 4
/// connection; on an older one it sends the plain Ack a member of the previous release reads.
/// </summary>
public sealed class AckSeqTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    [Fact]
    public async Task Ack_OnAVersion4Connection_NamesConsecutiveSeqsForConsecutiveFiles()
    {
        var node = fixture.NextNode("ack4");
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, ProtocolVersions.AckSeq);

        await client.SendAsync(HostileFrames.Offer(2, $"{node}-1.txt", node, Encoding.UTF8.GetBytes("first\n")));
        var first = await client.ReceiveAsync<Ack>(a => a.RequestId == 2);
        await client.SendAsync(HostileFrames.Offer(4, $"{node}-2.txt", node, Encoding.UTF8.GetBytes("second\n")));
        var second = await client.ReceiveAsync<Ack>(a => a.RequestId == 4);

        Assert.True(first.Seq > 0, $"seq {first.Seq}");
        Assert.Equal(first.Seq + 1, second.Seq);
        Assert.Equal("second\n", await File.ReadAllTextAsync(fixture.Member.InRoot($"{node}-2.txt")));
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    [Fact]
    public async Task Ack_OnAVersion3Connection_CarriesNoSeq()
    {
        var node = fixture.NextNode("ack3");
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, ProtocolVersions.AckSeq - 1);

        await client.SendAsync(HostileFrames.Offer(2, $"{node}.txt", node, Encoding.UTF8.GetBytes("old peer\n")));
        var ack = await client.ReceiveAsync<Ack>(a => a.RequestId == 2);

        Assert.Equal(0, ack.Seq);
        Assert.Equal("old peer\n", await File.ReadAllTextAsync(fixture.Member.InRoot($"{node}.txt")));
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }
}
