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
        await using var member = await StartOwingAsync(smallFiles: 0);
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

    [Fact]
    public async Task SmallFiles_BehindAFullStreamWindow_AreOfferedWithoutWaitingForIt()
    {
        var window = new SyncTuning().StreamWindow;
        // The small files come after every large file in path order: the pusher meets them with the stream window full.
        await using var member = await StartOwingAsync(smallFiles: 3);
        await member.WaitForLogAsync($"{MemberProcess.Group}: scanned");

        await using var client = await HostileClient.ConnectAsync(member.Port);
        await client.HandshakeAsync(MemberProcess.Group, "reader-1", member.Key);
        await client.ReceiveAsync<IndexRequest>();
        await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([], More: false, SenderReady: true)));

        // No large offer is answered, yet the small files come, inline, and only the window's worth of large ones.
        await client.ReceiveAsync<Offer>(o => o.Entry.Path.Value == "b-small-2.conf");
        var small = client.Received.OfType<Offer>().Where(o => o.Entry.Path.Value.StartsWith("b-small-", StringComparison.Ordinal)).ToList();
        Assert.Equal(["b-small-0.conf", "b-small-1.conf", "b-small-2.conf"], small.Select(o => o.Entry.Path.Value));
        Assert.All(small, o => Assert.NotNull(o.InlineData));
        Assert.Equal(window, LargeOffers(client).Count);

        // The large files that waited are offered, in order, as slots free.
        var large = LargeOffers(client);
        await client.SendAsync(MessageCodec.EncodeFrame(new Refuse(large[0].RequestId, "not now")));
        await client.SendAsync(MessageCodec.EncodeFrame(new Refuse(large[1].RequestId, "not now")));
        await client.ReceiveAsync<Offer>(o => o.Entry.Path.Value == $"a-large-{window + 1:D3}.bin");
        Assert.Equal([$"a-large-{window:D3}.bin", $"a-large-{window + 1:D3}.bin"], LargeOffers(client).Skip(window).Select(o => o.Entry.Path.Value));
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    /// <summary>A member whose root holds <see cref="LargeFiles"/> files too large to go inline (a-large-NNN.bin), then <paramref name="smallFiles"/> small ones (b-small-N.conf).</summary>
    private static Task<MemberProcess> StartOwingAsync(int smallFiles) => MemberProcess.StartAsync("web-0", prepare: dir =>
    {
        var large = new byte[ProtocolLimits.MaxInlineData + 1];
        for (var i = 0; i < LargeFiles; i++)
        {
            large[0] = (byte)i;
            large[1] = (byte)(i >> 8);
            File.WriteAllBytes(dir.Combine($"root/a-large-{i:D3}.bin"), large);
        }

        for (var i = 0; i < smallFiles; i++)
        {
            File.WriteAllText(dir.Combine($"root/b-small-{i}.conf"), $"small {i}\n");
        }
    });

    private static List<Offer> LargeOffers(HostileClient client) =>
        [.. client.Received.OfType<Offer>().Where(o => o.InlineData is null && o.Entry.Path.Value.StartsWith("a-large-", StringComparison.Ordinal))];
}
