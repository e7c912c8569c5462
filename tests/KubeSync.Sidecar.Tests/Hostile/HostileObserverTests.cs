using System.Security.Cryptography;

using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Observers (docs/protocol.md "Observers"): a connection that only reads a member's index and files is answered but
/// never becomes a peer, and what it may read is confined like what a peer may write: the root, the member's rules,
/// the paths its state records.
/// </summary>
public sealed class HostileObserverTests(HostileObserverFixture fixture) : IClassFixture<HostileObserverFixture>
{
    private MemberProcess Member => fixture.Member;

    [Fact]
    public async Task Read_FileInTheRoot_EntryAndExactContent_AndTheObserverNeverBecomesAPeer()
    {
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.IndexRequest(0));
            var index = await client.ReceiveAsync<IndexBatch>(b => !b.More);
            Assert.True(index.SenderReady, "a member alone in its group is ready and says so");
            await client.SendAsync(HostileFrames.ReadRequest(2, HostileObserverFixture.Shown));
            var reply = await client.ReceiveAsync<ReadReply>(r => r.RequestId == 2);
            Assert.Equal(HostileObserverFixture.ShownContent.Length, reply.Entry.Size);
            var content = new List<byte>();
            while (content.Count < reply.Entry.Size)
            {
                content.AddRange((await client.ReceiveAsync<ReadChunk>(c => c.RequestId == 2)).Data.ToArray());
            }

            Assert.Equal(SHA256.HashData(HostileObserverFixture.ShownContent), SHA256.HashData([.. content]));
            Assert.DoesNotContain(client.Received, m => m is Offer);
            await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
        }

        // The well-behaved peer's session is logged as connected; the observer's never was.
        await fixture.SyncWellBehavedAsync();
        Assert.DoesNotContain($"peer {node} connected", Member.Stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("out/secret.txt", "not known here")]
    [InlineData(".kubesync/state.db", "excluded")]
    [InlineData("missing.txt", "not known here")]
    public async Task Read_PathThroughSymlinkExcludedOrUnknown_RefusedWithoutContent(string path, string reason)
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, _) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.ReadRequest(2, path));
            var refuse = await client.ReceiveAsync<Refuse>(r => r.RequestId == 2);
            Assert.Contains(reason, refuse.Reason, StringComparison.Ordinal);
            Assert.DoesNotContain(client.Received, m => m is ReadReply or ReadChunk);

            // The connection lives on: a refused read is no violation.
            await client.SendAsync(MessageCodec.EncodeFrame(new Ping(7)));
            await client.ReceiveAsync<Pong>(p => p.Token == 7);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Read_FileLargerThanTheReaderAsked_Refused()
    {
        var (client, _) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.ReadRequest(2, HostileObserverFixture.Shown, maxSize: 1000));
            var refuse = await client.ReceiveAsync<Refuse>(r => r.RequestId == 2);
            Assert.Contains("more than the 1000 asked for", refuse.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("../outside/secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("out/../../outside/secret.txt")]
    public async Task Read_PathLeavingTheRoot_ClosedAsMalformed(string path)
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.ReadRequest(2, path));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.Malformed);
            Assert.DoesNotContain(client.Received, m => m is ReadReply or ReadChunk);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Read_OnAVersion1Connection_ClosedAsUnexpectedMessage()
    {
        var node = fixture.NextNode("old");
        await using var client = await HostileClient.ConnectAsync(Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, Member.Key, maxVersion: 1);
        await client.SendAsync(HostileFrames.ReadRequest(2, HostileObserverFixture.Shown));
        await fixture.AssertSessionClosedAsync(client, node, ProtocolError.UnexpectedMessage);
        Assert.DoesNotContain(client.Received, m => m is ReadReply or ReadChunk);
    }

    [Fact]
    public async Task Handshake_SilentClient_ClosedWithGoodbyeTimeoutAfterTimingHandshake()
    {
        await using var client = await HostileClient.ConnectAsync(Member.Port, fixture.ClientTls);
        var goodbye = await client.ReadUntilClosedAsync();
        Assert.True(goodbye is { Error: ProtocolError.Timeout }, $"expected Goodbye{{timeout}}; received: {client.Describe()} {goodbye}");
        Assert.Contains("timing.handshake", goodbye.Reason, StringComparison.Ordinal);
        await Member.WaitForLogAsync($"refused a connection from {client.LocalEndPoint} (handshake_timeout)");
    }
}
