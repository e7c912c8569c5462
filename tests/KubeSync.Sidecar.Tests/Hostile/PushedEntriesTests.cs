using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Protocol version 5: a real <c>kubesync run</c> sends no Want for an index entry its peer flags as pushed (it waits
/// for the offer), and flags in its own IndexBatches the rows it owes the requester; on a version 4 connection it
/// flags nothing.
/// </summary>
public sealed class PushedEntriesTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    [Fact]
    public async Task IndexBatch_EntryFlaggedPushed_IsNotWanted_ButTheOthersAre()
    {
        var node = fixture.NextNode("pushed");
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, ProtocolVersions.PushedEntries);
        await client.ReceiveAsync<IndexRequest>();
        var pushed = Entry($"{node}-pushed.txt", node, "pushed\n", seq: 1);
        var wanted = Entry($"{node}-wanted.txt", node, "wanted\n", seq: 2);

        await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([pushed, wanted], More: false, SenderReady: true, Pushed: [true, false])));
        var want = await client.ReceiveAsync<Want>(w => w.Path == wanted.Path);

        // The member answers the batch's entries in order: a Want for the pushed entry would have come first.
        Assert.DoesNotContain(client.Received.OfType<Want>(), w => w.Path == pushed.Path);
        await client.SendAsync(HostileFrames.Offer(2, pushed.Path.Value, node, Encoding.UTF8.GetBytes("pushed\n")));
        await client.SendAsync(HostileFrames.Offer(4, wanted.Path.Value, node, Encoding.UTF8.GetBytes("wanted\n")));
        await client.ReceiveAsync<Ack>(a => a.RequestId == 2);
        await client.ReceiveAsync<Ack>(a => a.RequestId == 4);
        Assert.Equal("pushed\n", await File.ReadAllTextAsync(fixture.Member.InRoot(pushed.Path.Value)));
        Assert.Equal("wanted\n", await File.ReadAllTextAsync(fixture.Member.InRoot(wanted.Path.Value)));
        Assert.NotEqual(0UL, want.RequestId);
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    [Theory]
    [InlineData(ProtocolVersions.PushedEntries, true)]
    [InlineData(ProtocolVersions.PushedEntries - 1, false)]
    public async Task IndexBatch_ToANewPeer_FlagsEveryLiveRowAsPushed_OnlyOnVersion5(int version, bool flagged)
    {
        var node = fixture.NextNode($"reader{version}");
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, version);
        await client.ReceiveAsync<IndexRequest>();

        // Taking part (an empty index) makes the member record us: a new peer is owed every row it has.
        await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([], More: false, SenderReady: true)));
        await client.SendAsync(HostileFrames.IndexRequest(0));
        var batches = new List<IndexBatch>();
        do
        {
            batches.Add(await client.ReceiveAsync<IndexBatch>());
        }
        while (batches[^1].More);

        var entries = batches.SelectMany(b => b.Entries).ToList();
        Assert.NotEmpty(entries);
        if (flagged)
        {
            Assert.All(batches, b => Assert.NotNull(b.Pushed));
            var flags = batches.SelectMany(b => b.Pushed!).ToList();
            Assert.Equal(entries.Count, flags.Count);
            Assert.All(entries.Zip(flags), e => Assert.True(e.Second, $"{e.First.Path} is owed to a new peer"));
        }
        else
        {
            Assert.All(batches, b => Assert.Null(b.Pushed));
        }

        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    private static WireEntry Entry(string path, string author, string content, long seq)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        return new WireEntry(SyncPath.Parse(path), EntryType.File, bytes.Length, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
            HostileFrames.FileMode, 0, 0, null, SHA256.HashData(bytes), VersionVector.Parse($"{author}:1"), Deleted: false, seq);
    }
}
