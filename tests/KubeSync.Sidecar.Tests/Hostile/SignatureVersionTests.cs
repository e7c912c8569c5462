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
}
