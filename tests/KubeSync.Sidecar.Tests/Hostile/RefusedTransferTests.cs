using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A member that cannot write a large file refuses it while the offerer is still streaming it (here: its sync root
/// is gone). The chunks already on their way and the DeltaEnd are dropped, not taken for a protocol violation, and
/// the connection lives on: once the root is back, the same file arrives.
/// </summary>
public sealed class RefusedTransferTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    [Fact]
    public async Task Transfer_RefusedWhileStreaming_RestOfItDropped_ConnectionStaysUp()
    {
        var node = fixture.NextNode("big");
        var content = RandomNumberGenerator.GetBytes(300_000);
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key);

        var moved = fixture.Member.Root + ".moved";
        Directory.Move(fixture.Member.Root, moved);
        try
        {
            await client.SendAsync(HostileFrames.Offer(2, $"{node}.bin", node, content, inline: false));
            await client.ReceiveAsync<Need>(n => n.RequestId == 2);
            await client.SendAsync(HostileFrames.LiteralChunk(2, content.AsSpan(0, 100_000)));
            await client.SendAsync(HostileFrames.LiteralChunk(2, content.AsSpan(100_000, 100_000)));
            await client.SendAsync(HostileFrames.LiteralChunk(2, content.AsSpan(200_000)));
            await client.SendAsync(HostileFrames.DeltaEnd(2, content.Length, SHA256.HashData(content)));

            var refuse = await client.ReceiveAsync<Refuse>(r => r.RequestId == 2);
            Assert.Contains("sync root", refuse.Reason, StringComparison.Ordinal);
            await client.SendAsync(MessageCodec.EncodeFrame(new Ping(77)));
            await client.ReceiveAsync<Pong>(p => p.Token == 77);
        }
        finally
        {
            Directory.Move(moved, fixture.Member.Root);
        }

        await client.SendAsync(HostileFrames.Offer(4, $"{node}.bin", node, content, inline: false));
        await client.ReceiveAsync<Need>(n => n.RequestId == 4);
        await client.SendAsync(HostileFrames.LiteralChunk(4, content.AsSpan(0, 150_000)));
        await client.SendAsync(HostileFrames.LiteralChunk(4, content.AsSpan(150_000)));
        await client.SendAsync(HostileFrames.DeltaEnd(4, content.Length, SHA256.HashData(content)));
        await client.ReceiveAsync<Ack>(a => a.RequestId == 4);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(fixture.Member.InRoot($"{node}.bin"))));
        Assert.DoesNotContain("not a transfer in progress", fixture.Member.Stderr, StringComparison.Ordinal);
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    [Fact]
    public async Task ManyRefusals_TheFirstAreLoggedOneByOne_TheRestSummedUp()
    {
        var node = fixture.NextNode("many");
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key);
        var moved = fixture.Member.Root + ".moved";
        Directory.Move(fixture.Member.Root, moved);
        try
        {
            const int files = 25;
            for (var i = 0; i < files; i++)
            {
                await client.SendAsync(HostileFrames.Offer((ulong)(2 * i + 2), $"{node}-{i:00}.txt", node, Encoding.UTF8.GetBytes($"file {i}\n")));
            }

            for (var i = 0; i < files; i++)
            {
                await client.ReceiveAsync<Refuse>(r => r.RequestId == (ulong)(2 * i + 2));
            }

            await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
            await client.ReadUntilClosedAsync();
            await fixture.Member.WaitForLogAsync($"could not apply {files - 10} more paths from {node}");
        }
        finally
        {
            Directory.Move(moved, fixture.Member.Root);
        }

        var oneByOne = fixture.Member.Stderr.Split('\n').Count(l => l.Contains($"could not apply {node}-", StringComparison.Ordinal));
        Assert.Equal(10, oneByOne);
    }
}
