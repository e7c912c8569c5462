using System.Security.Cryptography;

using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class SignatureCodecTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Decode_EncodedSignature_RoundTrips()
    {
        var signature = await BuildAsync(5000).WaitAsync(Timeout);

        var encoded = SignatureCodec.Encode(signature);
        var decoded = SignatureCodec.Decode(encoded);

        Assert.Equal(SignatureCodec.GetEncodedLength(signature), encoded.Length);
        Assert.Equal(signature.BlockSize, decoded.BlockSize);
        Assert.Equal(signature.BlockCount, decoded.BlockCount);
        Assert.Equal(signature.LastBlockLength, decoded.LastBlockLength);
        for (var i = 0; i < signature.BlockCount; i++)
        {
            Assert.Equal(signature.GetWeak(i), decoded.GetWeak(i));
            Assert.Equal(signature.GetStrong(i).ToArray(), decoded.GetStrong(i).ToArray());
        }
    }

    [Fact]
    public async Task Encode_ShortStrongHashes_TheFirstEightBytesTravelAndDecodeAsAShortSignature()
    {
        var signature = await BuildAsync(5000).WaitAsync(Timeout);

        var encoded = SignatureCodec.Encode(signature, DeltaLimits.ShortStrongHashLength);
        var decoded = SignatureCodec.Decode(encoded);

        Assert.Equal(SignatureCodec.GetEncodedLength(signature) - (signature.BlockCount * 8), encoded.Length);
        Assert.Equal(DeltaLimits.ShortStrongHashLength, encoded[1]);
        Assert.Equal(DeltaLimits.ShortStrongHashLength, decoded.StrongLength);
        Assert.Equal(signature.BlockCount, decoded.BlockCount);
        for (var i = 0; i < signature.BlockCount; i++)
        {
            Assert.Equal(signature.GetWeak(i), decoded.GetWeak(i));
            Assert.Equal(signature.GetStrong(i)[..8].ToArray(), decoded.GetStrong(i).ToArray());
        }

        // A short signature cannot be lengthened again, and no other length is written.
        Assert.Throws<ArgumentOutOfRangeException>(() => SignatureCodec.Encode(decoded, DeltaLimits.StrongHashLength));
        Assert.Throws<ArgumentOutOfRangeException>(() => SignatureCodec.Encode(signature, 12));
    }

    [Fact]
    public async Task Encode_Xxh3Signature_IsFormat2AndDecodesAsXxh3()
    {
        var content = RandomNumberGenerator.GetBytes(5000);
        using var basis = new MemoryStream(content);
        var signature = await SignatureBuilder.BuildAsync(basis, 512, DeltaLimits.MaxBlockCount, BlockHashKind.Xxh3, CancellationToken.None).WaitAsync(Timeout);

        var encoded = SignatureCodec.Encode(signature, DeltaLimits.ShortStrongHashLength);
        var decoded = SignatureCodec.Decode(encoded);

        Assert.Equal([SignatureCodec.Xxh3Version, DeltaLimits.ShortStrongHashLength], encoded[..2]);
        Assert.Equal(BlockHashKind.Xxh3, decoded.Kind);
        Assert.Equal(signature.BlockCount, decoded.BlockCount);
        var expected = new byte[8];
        for (var i = 0; i < signature.BlockCount; i++)
        {
            BlockHash.Compute(content.AsSpan(i * 512, signature.GetBlockLength(i)), expected, BlockHashKind.Xxh3);
            Assert.Equal(expected, decoded.GetStrong(i).ToArray());
        }

        // Its 8 bytes are all there is: no 16-byte form.
        Assert.Throws<ArgumentOutOfRangeException>(() => SignatureCodec.Encode(signature, DeltaLimits.StrongHashLength));
        Assert.Equal(SignatureCodec.Version, SignatureCodec.Encode(BlockSignature.Empty(512))[0]);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4)]
    [InlineData(12)]
    [InlineData(32)]
    public async Task Decode_UnsupportedStrongLength_ThrowsInvalidData(byte length)
    {
        var encoded = SignatureCodec.Encode(await BuildAsync(5000).WaitAsync(Timeout));
        encoded[1] = length;

        var error = Assert.Throws<InvalidDataException>(() => SignatureCodec.Decode(encoded));
        Assert.Contains($"strong hash length {length}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_EmptySignature_RoundTrips()
    {
        var decoded = SignatureCodec.Decode(SignatureCodec.Encode(BlockSignature.Empty(704)));

        Assert.Equal(0, decoded.BlockCount);
        Assert.Equal(704, decoded.BlockSize);
        Assert.Equal(0, decoded.Length);
    }

    [Fact]
    public async Task Decode_EveryTruncation_ThrowsInvalidData()
    {
        var encoded = SignatureCodec.Encode(await BuildAsync(700).WaitAsync(Timeout));

        for (var length = 0; length < encoded.Length; length++)
        {
            Assert.Throws<InvalidDataException>(() => SignatureCodec.Decode(encoded.AsSpan(0, length)));
        }
    }

    [Fact]
    public async Task Decode_TrailingByte_ThrowsInvalidData()
    {
        var encoded = SignatureCodec.Encode(await BuildAsync(300).WaitAsync(Timeout));

        Assert.Throws<InvalidDataException>(() => SignatureCodec.Decode([.. encoded, 0]));
    }

    public static TheoryData<byte[]> HostileHeaders => new()
    {
        { [3, 8, 0x80, 0x01, 0, 0] },                       // unknown version
        { [2, 16, 0x80, 0x01, 0, 0] },                      // XXH3 hashes are 8 bytes, not 16
        { [1, 32, 0x80, 0x01, 0, 0] },                      // strong hash length not 16
        { [1, 16, 0x3F, 0, 0] },                            // block size 63
        { [1, 16, 0x81, 0x80, 0x08, 0, 0] },                // block size 131073
        { [1, 16, 0x80, 0x01, 0x81, 0x80, 0x40, 1] },       // 1 048 577 blocks
        { [1, 16, 0x80, 0x01, 0x80, 0x80, 0x40, 1] },       // 1 048 576 blocks, no data
        { [1, 16, 0x80, 0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 1] }, // 4 294 967 295 blocks
        { [1, 16, 0x80, 0x01, 0, 1] },                      // no blocks but a last block length
        { [1, 16, 0x80, 0x01, 1, 0] },                      // a block of length 0
        { [1, 16, 0x80, 0x01, 1, 0x81, 0x01] },             // last block longer than a block
        { [1, 16, 0x80, 0x81, 0x80, 0x80, 0x80, 0x00, 0, 0] }, // varint longer than 5 bytes
        { [1, 16, 0x80, 0x01, 0x80, 0x00, 0] },             // varint not in its shortest form
    };

    [Theory]
    [MemberData(nameof(HostileHeaders))]
    public void Decode_HostileHeader_ThrowsInvalidData(byte[] encoded)
    {
        Assert.Throws<InvalidDataException>(() => SignatureCodec.Decode(encoded));
    }

    [Fact]
    public async Task Decode_MoreBlocksThanCallerAllows_ThrowsInvalidData()
    {
        var encoded = SignatureCodec.Encode(await BuildAsync(64 * 10).WaitAsync(Timeout));

        Assert.Throws<InvalidDataException>(() => SignatureCodec.Decode(encoded, maxBlockCount: 9));
        Assert.Equal(10, SignatureCodec.Decode(encoded, maxBlockCount: 10).BlockCount);
    }

    [Fact]
    public void Decode_RandomBytes_ThrowsOnlyInvalidData()
    {
        var random = new Random(42);
        for (var run = 0; run < 5000; run++)
        {
            var bytes = RandomEdits.Bytes(random, random.Next(0, 64));
            if (run % 2 == 0 && bytes.Length > 2)
            {
                bytes[0] = SignatureCodec.Version;
                bytes[1] = DeltaLimits.StrongHashLength;
            }

            var error = Record.Exception(() => SignatureCodec.Decode(bytes));

            Assert.True(error is null or InvalidDataException, $"run {run}: {error}");
        }
    }

    private static Task<BlockSignature> BuildAsync(int length) =>
        SignatureBuilder.BuildAsync(new MemoryStream(RandomEdits.Bytes(new Random(length), length)), 64, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(Timeout);
}
