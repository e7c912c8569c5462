using System.Security.Cryptography;

using KubeSync.Engine.Delta;
using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// Protocol version 7: a large file may be offered without its content hash, which the DeltaEnd then carries. A real
/// <c>kubesync run</c> as receiver checks what it rebuilt against that hash (a wrong one closes the session and leaves
/// nothing behind) and refuses such an offer on an older connection; as offerer it leaves the hash out of a changed large
/// file's offer on a version 7 connection and hashes the file first for a version 6 one.
/// </summary>
public sealed class HashFollowsTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task OfferWithoutHash_Version7_TheRebuiltFileIsCheckedAgainstTheDeltaEnd(bool rightHash)
    {
        var outsideBefore = fixture.Member.SnapshotOutsideRoot();
        var node = fixture.NextNode(rightHash ? "follows" : "lies");
        var content = RandomNumberGenerator.GetBytes(200_000);
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, ProtocolVersions.HashFollows);

        await client.SendAsync(HostileFrames.Offer(2, $"{node}.bin", node, content, inline: false, hash: []));
        await client.ReceiveAsync<Need>(n => n.RequestId == 2);
        await client.SendAsync(HostileFrames.LiteralChunk(2, content));
        var claimed = SHA256.HashData(content);
        if (!rightHash)
        {
            claimed[0] ^= 1;
        }

        await client.SendAsync(HostileFrames.DeltaEnd(2, content.Length, claimed));
        var path = fixture.Member.InRoot($"{node}.bin");
        if (rightHash)
        {
            await client.ReceiveAsync<Ack>(a => a.RequestId == 2);
            Assert.Equal(content, await File.ReadAllBytesAsync(path));
            await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
            return;
        }

        await fixture.AssertSessionClosedAsync(client, node, ProtocolError.BadContent);
        Assert.False(File.Exists(path));
        Assert.Empty(fixture.Member.TempFilesInRoot());
        await fixture.AssertUnharmedAsync(outsideBefore);
    }

    [Fact]
    public async Task OfferWithoutHash_Version6_ClosesTheSession()
    {
        var node = fixture.NextNode("v6-nohash");
        var content = RandomNumberGenerator.GetBytes(100_000);
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, ProtocolVersions.HashFollows - 1);

        await client.SendAsync(HostileFrames.Offer(2, $"{node}.bin", node, content, inline: false, hash: []));

        await fixture.AssertSessionClosedAsync(client, node, ProtocolError.Malformed);
        Assert.False(File.Exists(fixture.Member.InRoot($"{node}.bin")));
    }

    /// <summary>
    /// The member as offerer of a large file it has just given a new version (its hash pending; no rescan for an hour,
    /// the watcher sees the file): a version 7 peer gets the offer without the hash and the hash in the DeltaEnd; a
    /// version 6 peer, alone with the member, gets a second such file with its hash, which only the scan its pusher
    /// asks for can have read (nothing else sends that file, and no rescan is due).
    /// </summary>
    [Fact]
    public async Task LargeChangedFile_OfferedWithoutHashOnVersion7_WithItOnVersion6()
    {
        await using var member = await MemberProcess.StartAsync("web-9", timing: "rescan: 1h, pull: 1h");
        var content = RandomNumberGenerator.GetBytes(20 * 1024 * 1024);
        await using (var v7 = await ConnectAsync(member, "new-peer", ProtocolVersions.HashFollows))
        {
            await MoveIntoRootAsync(member, "big.bin", content);
            var pending = await v7.ReceiveAsync<Offer>(o => o.Entry.Path.Value == "big.bin");
            Assert.Null(pending.Entry.Hash);
            Assert.Null(pending.InlineData);
            Assert.Equal(content.Length, pending.Entry.Size);

            var signature = BlockSignature.Empty(SignatureBuilder.ChooseBlockSize(content.Length), BlockHashKind.Xxh3);
            await v7.SendAsync(MessageCodec.EncodeFrame(new Need(pending.RequestId, SignatureCodec.Encode(signature))));
            var end = await v7.ReceiveAsync<DeltaEnd>(e => e.RequestId == pending.RequestId);
            Assert.Equal(SHA256.HashData(content), end.Sha256);
            using var output = new MemoryStream();
            using (var applier = new DeltaApplier(signature, new MemoryStream(), output, content.Length))
            {
                foreach (var chunk in v7.Received.OfType<DeltaChunk>().Where(c => c.RequestId == pending.RequestId))
                {
                    await applier.ApplyChunkAsync(chunk.Chunk, CancellationToken.None);
                }

                await applier.CompleteAsync(CancellationToken.None);
            }

            Assert.Equal(content, output.ToArray());
            await v7.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
        }

        var second = RandomNumberGenerator.GetBytes(content.Length);
        await using var v6 = await ConnectAsync(member, "old-peer", ProtocolVersions.HashFollows - 1);
        await MoveIntoRootAsync(member, "big2.bin", second);
        var hashed = await v6.ReceiveAsync<Offer>(o => o.Entry.Path.Value == "big2.bin");
        Assert.Equal(SHA256.HashData(second), hashed.Entry.Hash);
        await v6.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    /// <summary>Written beside the root and renamed in: the watcher sees one complete file.</summary>
    private static async Task MoveIntoRootAsync(MemberProcess member, string name, byte[] content)
    {
        var staging = Path.Combine(member.Directory, name);
        await File.WriteAllBytesAsync(staging, content);
        File.Move(staging, member.InRoot(name));
    }

    /// <summary>A client past the handshake and the member's first index exchange, so the member pushes to it.</summary>
    private static async Task<HostileClient> ConnectAsync(MemberProcess member, string node, int version)
    {
        var client = await HostileClient.ConnectAsync(member.Port, PeerTls.Insecure);
        try
        {
            await client.HandshakeAsync(MemberProcess.Group, node, member.Key, version);
            await client.ReceiveAsync<IndexRequest>();
            await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([], More: false, SenderReady: true)));
            return client;
        }
        catch
        {
            await client.DisposeAsync();
            throw;
        }
    }
}
