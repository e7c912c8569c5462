using KubeSync.Engine.Peers;
using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// A real <c>kubesync run</c> owing a peer more large files than its stream window keeps at most that many of their
/// offers unanswered: the receiver holds a temp file open for each from the offer to the end of its stream.
/// </summary>
public sealed class StreamWindowTests
{
    private const int LargeFiles = 300;

    [Fact]
    public async Task Offers_OfLargeFiles_StopAtTheStreamWindow_UntilOneIsAnswered()
    {
        var window = new SyncTuning().StreamWindow;
        Assert.True(LargeFiles > window, "the test needs more large files than the window");
        await using var member = await MemberProcess.StartAsync("web-0", prepare: dir =>
        {
            var large = new byte[ProtocolLimits.MaxInlineData + 1];
            for (var i = 0; i < LargeFiles; i++)
            {
                large[0] = (byte)i;
                large[1] = (byte)(i >> 8);
                File.WriteAllBytes(dir.Combine($"root/a-large-{i:D3}.bin"), large);
            }
        });
        await member.WaitForLogAsync($"{MemberProcess.Group}: scanned");

        await using var client = await HostileClient.ConnectAsync(member.Port);
        await client.HandshakeAsync(MemberProcess.Group, "reader-1", member.Key);
        await client.ReceiveAsync<IndexRequest>();

        // Taking part (an empty index) makes the member record us: a new peer is owed every row it has.
        await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([], More: false, SenderReady: true)));

        // Offered in path order, none answered: the window's last one comes, then the pusher waits.
        await client.ReceiveAsync<Offer>(o => o.Entry.Path.Value == $"a-large-{window - 1:D3}.bin");
        var large = LargeOffers(client);
        Assert.Equal(window, large.Count);

        // A round trip after it: the pusher has had every chance to send one more.
        await client.SendAsync(MessageCodec.EncodeFrame(new Ping(7)));
        await client.ReceiveAsync<Pong>(p => p.Token == 7);
        Assert.Equal(window, LargeOffers(client).Count);

        // Refusing one frees its slot: exactly the next large file is offered.
        await client.SendAsync(MessageCodec.EncodeFrame(new Refuse(large[0].RequestId, "not now")));
        await client.ReceiveAsync<Offer>(o => o.Entry.Path.Value == $"a-large-{window:D3}.bin");
        Assert.Equal(window + 1, LargeOffers(client).Count);
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    private static List<Offer> LargeOffers(HostileClient client) =>
        [.. client.Received.OfType<Offer>().Where(o => o.InlineData is null && o.Entry.Path.Value.StartsWith("a-large-", StringComparison.Ordinal))];
}
