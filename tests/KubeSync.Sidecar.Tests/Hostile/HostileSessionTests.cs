using System.Security.Cryptography;

using KubeSync.Engine.Protocol;
using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Peers that pass the handshake, then misbehave inside the session with a real <c>kubesync run</c>: the member
/// closes the connection with a Goodbye naming the reason, logs it, writes nothing outside its root (nor a
/// half-received file inside it) and keeps syncing with well-behaved peers.
/// </summary>
public sealed class HostileSessionTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    private static readonly byte[] Content = "evil\n"u8.ToArray();

    private MemberProcess Member => fixture.Member;

    [Fact]
    public async Task Session_OversizeFrame_ClosedWithOversizeFrame()
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.Header(ProtocolLimits.DefaultMaxFrameLength + 1, MessageType.Offer));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.OversizeFrame);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    [Theory]
    [InlineData("../escape.txt")]
    [InlineData("a/../../escape.txt")]
    [InlineData("/etc/x")]
    [InlineData("./escape.txt")]
    public async Task Offer_PathLeavingTheRoot_ClosedAsMalformed(string path)
    {
        var before = Member.SnapshotOutsideRoot();
        var etcBefore = Describe("/etc/x");
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.Offer(2, path, node, Content));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.Malformed);
        }

        Assert.Equal(etcBefore, Describe("/etc/x"));
        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Offer_PathThroughSymlinkLeavingTheRoot_ClosedAsUnsafePath()
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            // root/out -> outside/, scanned by the member: the path is valid text, only the disk makes it unsafe.
            await client.SendAsync(HostileFrames.Offer(2, "out/evil.txt", node, Content));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.UnsafePath);
        }

        Assert.False(File.Exists(Path.Combine(Member.Outside, "evil.txt")), "the member wrote through the symlink, outside its root");
        Assert.Empty(Directory.EnumerateFileSystemEntries(Member.Outside));
        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Offer_InlineDataNotMatchingItsHash_ClosedAsBadContent()
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.Offer(2, $"{node}.txt", node, Content, hash: SHA256.HashData("something else"u8)));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.BadContent);
        }

        Assert.False(File.Exists(Member.InRoot($"{node}.txt")), "content that does not match its hash was written");
        await Eventually.TrueAsync(() => Member.TempFilesInRoot().Count == 0, "no temp file to remain in the root");
        await fixture.AssertUnharmedAsync(before);
    }

    /// <param name="tamperContent">true: the streamed content differs from the offered hash (DeltaEnd repeats the offer's hash); false: DeltaEnd names another hash.</param>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Transfer_LargeFileNotMatchingItsHash_ClosedAsBadContentWithoutLeftovers(bool tamperContent)
    {
        var before = Member.SnapshotOutsideRoot();
        var content = RandomNumberGenerator.GetBytes(100_000);
        var (client, node) = await fixture.OpenSessionAsync();
        var target = Member.InRoot($"{node}.bin");
        await using (client)
        {
            await client.SendAsync(HostileFrames.Offer(2, $"{node}.bin", node, content, inline: false));
            await client.ReceiveAsync<Need>(n => n.RequestId == 2);
            var streamed = tamperContent ? RandomNumberGenerator.GetBytes(content.Length) : content;
            await client.SendAsync(HostileFrames.LiteralChunk(2, streamed));
            await client.SendAsync(HostileFrames.DeltaEnd(2, content.Length, tamperContent ? SHA256.HashData(content) : SHA256.HashData(Content)));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.BadContent);
        }

        Assert.False(File.Exists(target), "a file that does not match its hash was written");
        await Eventually.TrueAsync(() => Member.TempFilesInRoot().Count == 0, $"no temp file to remain in the root; found {string.Join(", ", Member.TempFilesInRoot())}");
        await fixture.AssertUnharmedAsync(before);
    }

    [Fact]
    public async Task Offer_IdOfTheResponderParity_ClosedAsUnexpectedMessage()
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            // The initiator uses even ids; 3 belongs to the member.
            await client.SendAsync(HostileFrames.Offer(3, $"{node}.txt", node, Content));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.UnexpectedMessage);
        }

        Assert.False(File.Exists(Member.InRoot($"{node}.txt")));
        await fixture.AssertUnharmedAsync(before);
    }

    [Theory]
    [InlineData(1_000_001UL)] // the member's parity, never offered
    [InlineData(4UL)] // the client's own parity
    public async Task Ack_ForAnIdNeverOffered_ClosedAsUnexpectedMessage(ulong id)
    {
        var before = Member.SnapshotOutsideRoot();
        var (client, node) = await fixture.OpenSessionAsync();
        await using (client)
        {
            await client.SendAsync(HostileFrames.Ack(id, node));
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.UnexpectedMessage);
        }

        await fixture.AssertUnharmedAsync(before);
    }

    private static string Describe(string path) =>
        File.Exists(path) ? $"{new FileInfo(path).Length} {File.GetLastWriteTimeUtc(path).Ticks}" : "absent";
}
