using System.Security.Cryptography;

using KubeSync.Engine.Delta;
using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Tests.Hostile;

/// <summary>
/// The Need a real <c>kubesync run</c> answers with carries XXH3 hashes (signature format 2) on a version 6 connection,
/// 8-byte MurmurHash3 ones on a version 3 to 5 connection and 16-byte ones on an older one, so a member of an
/// earlier release still reads it during a rolling upgrade.
/// </summary>
public sealed class SignatureVersionTests(HostileMemberFixture fixture) : IClassFixture<HostileMemberFixture>
{
    [Theory]
    [InlineData(ProtocolVersions.Max, DeltaLimits.ShortStrongHashLength, SignatureCodec.Xxh3Version)]
    [InlineData(ProtocolVersions.FastBlockHash - 1, DeltaLimits.ShortStrongHashLength, SignatureCodec.Version)]
    [InlineData(ProtocolVersions.ShortSignatures - 1, DeltaLimits.StrongHashLength, SignatureCodec.Version)]
    public async Task Need_StrongHashLengthFollowsTheNegotiatedVersion_AndTheTransferCompletes(int maxVersion, int expectedLength, byte expectedFormat)
    {
        var node = fixture.NextNode($"v{maxVersion}");
        var content = RandomNumberGenerator.GetBytes(100_000);
        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, maxVersion);

        await client.SendAsync(HostileFrames.Offer(2, $"{node}.bin", node, content, inline: false));
        var need = await client.ReceiveAsync<Need>(n => n.RequestId == 2);
        Assert.Equal(expectedFormat, need.Signature.Span[0]);
        Assert.Equal(expectedLength, need.Signature.Span[1]);
        Assert.Equal(0, need.DecodeSignature(DeltaLimits.MaxBlockCount).BlockCount); // a new file: nothing to match

        await client.SendAsync(HostileFrames.LiteralChunk(2, content));
        await client.SendAsync(HostileFrames.DeltaEnd(2, content.Length, SHA256.HashData(content)));
        await client.ReceiveAsync<Ack>(a => a.RequestId == 2);
        Assert.Equal(SHA256.HashData(content), SHA256.HashData(await File.ReadAllBytesAsync(fixture.Member.InRoot($"{node}.bin"))));
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }

    /// <summary>
    /// The member as offerer: on a version 6 connection it searches against the XXH3 signature of a Need (format 2) and
    /// copies the blocks that match; on a version 5 connection that format is outside the protocol and closes it.
    /// </summary>
    [Theory]
    [InlineData(ProtocolVersions.FastBlockHash, true)]
    [InlineData(ProtocolVersions.FastBlockHash - 1, false)]
    public async Task Need_Xxh3Signature_CopiesMatchingBlocksOnVersion6_ClosesAnOlderConnection(int version, bool accepted)
    {
        // A file the member holds, too large to go inline, which a new peer is owed; the peer's own copy differs in 4 KiB.
        var node = fixture.NextNode($"xxh{version}");
        var name = $"{node}-big.bin";
        var content = RandomNumberGenerator.GetBytes(ProtocolLimits.MaxInlineData * 4);
        await File.WriteAllBytesAsync(fixture.Member.InRoot(name), content);
        var basis = (byte[])content.Clone();
        RandomNumberGenerator.Fill(basis.AsSpan(100_000, 4096));
        BlockSignature signature;
        using (var stream = new MemoryStream(basis))
        {
            signature = await SignatureBuilder.BuildAsync(stream, SignatureBuilder.ChooseBlockSize(basis.Length), DeltaLimits.MaxBlockCount, BlockHashKind.Xxh3, CancellationToken.None);
        }

        await using var client = await HostileClient.ConnectAsync(fixture.Member.Port, fixture.ClientTls);
        await client.HandshakeAsync(MemberProcess.Group, node, fixture.Member.Key, version);
        await client.ReceiveAsync<IndexRequest>();
        await client.SendAsync(MessageCodec.EncodeFrame(new IndexBatch([], More: false, SenderReady: true)));
        var offer = await client.ReceiveAsync<Offer>(o => o.Entry.Path.Value == name);
        Assert.Null(offer.InlineData);
        await client.SendAsync(MessageCodec.EncodeFrame(new Need(offer.RequestId, SignatureCodec.Encode(signature))));

        if (!accepted)
        {
            await fixture.AssertSessionClosedAsync(client, node, ProtocolError.UnexpectedMessage);
            return;
        }

        var end = await client.ReceiveAsync<DeltaEnd>(e => e.RequestId == offer.RequestId);
        Assert.Equal(SHA256.HashData(content), end.Sha256);
        using var output = new MemoryStream();
        using (var applier = new DeltaApplier(signature, new MemoryStream(basis), output, content.Length))
        {
            foreach (var chunk in client.Received.OfType<DeltaChunk>().Where(c => c.RequestId == offer.RequestId))
            {
                await applier.ApplyChunkAsync(chunk.Chunk, CancellationToken.None);
            }

            var rebuilt = await applier.CompleteAsync(CancellationToken.None);
            // Everything but the changed 4 KiB (and the blocks it touches) travels as copies: the windows were hashed with XXH3.
            Assert.True(rebuilt.CopiedBytes >= content.Length - 4096 - (2 * signature.BlockSize), $"copied {rebuilt.CopiedBytes} of {content.Length} bytes");
        }

        Assert.Equal(content, output.ToArray());
        await client.SendAsync(MessageCodec.EncodeFrame(new Goodbye(null, "done")));
    }
}
