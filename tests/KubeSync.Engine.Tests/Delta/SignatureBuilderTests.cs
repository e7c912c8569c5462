using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class SignatureBuilderTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(0L, 704)]
    [InlineData(1000L, 704)]
    [InlineData(1L << 20, 1024)]
    [InlineData(10_000_000L, 3168)]
    [InlineData(1L << 30, 32768)]
    [InlineData(1L << 40, DeltaLimits.MaxBlockSize)]
    public void ChooseBlockSize_ByLength_IsSquareRootRoundedAndClamped(long length, int expected)
    {
        var size = SignatureBuilder.ChooseBlockSize(length);

        Assert.Equal(expected, size);
        Assert.Equal(0, size % 8);
    }

    [Fact]
    public void ChooseBlockSize_WithBlockCountCap_GrowsBlocksToFit()
    {
        var size = SignatureBuilder.ChooseBlockSize(100_000_000, maxBlockCount: 1000);

        Assert.Equal(100_000, size);
        Assert.True(100_000_000 / size <= 1000);
    }

    [Theory]
    [InlineData(0, 0, 0)]
    [InlineData(1, 1, 1)]
    [InlineData(64, 1, 64)]
    [InlineData(65, 2, 1)]
    [InlineData(640, 10, 64)]
    [InlineData(1000, 16, 40)]
    public async Task BuildAsync_ByLength_CountsBlocksAndLastBlock(int length, int blockCount, int lastBlockLength)
    {
        var basis = RandomEdits.Bytes(new Random(length), length);

        var signature = await SignatureBuilder.BuildAsync(new NonSeekableReadStream(basis, maxReadLength: 10), 64, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(64, signature.BlockSize);
        Assert.Equal(blockCount, signature.BlockCount);
        Assert.Equal(lastBlockLength, signature.LastBlockLength);
        Assert.Equal(length, signature.Length);
        for (var i = 0; i < blockCount; i++)
        {
            var block = basis.AsSpan(i * 64, signature.GetBlockLength(i));
            Assert.Equal(RollingChecksum.Compute(block), signature.GetWeak(i));
            var strong = new byte[DeltaLimits.StrongHashLength];
            SignatureBuilder.ComputeStrongHash(block, strong);
            Assert.Equal(strong, signature.GetStrong(i).ToArray());
        }
    }

    [Fact]
    public async Task BuildAsync_SeekableStream_ChoosesBlockSizeFromRemainingLength()
    {
        var stream = new MemoryStream(new byte[(1 << 20) + 100]) { Position = 100 };

        var signature = await SignatureBuilder.BuildAsync(stream, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(1024, signature.BlockSize);
        Assert.Equal(1024, signature.BlockCount);
        Assert.Equal(1 << 20, signature.Length);
    }

    [Fact]
    public async Task BuildAsync_NonSeekableWithoutBlockSize_ThrowsArgumentException()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => SignatureBuilder.BuildAsync(new NonSeekableReadStream([1, 2, 3]), CancellationToken.None).WaitAsync(Timeout));
    }

    [Fact]
    public async Task BuildAsync_BasisLongerThanBlockCap_SignsOnlyThePrefix()
    {
        var basis = RandomEdits.Bytes(new Random(3), 64 * 10);

        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(basis), 64, maxBlockCount: 4, CancellationToken.None).WaitAsync(Timeout);

        Assert.Equal(4, signature.BlockCount);
        Assert.Equal(256, signature.Length);
    }

    [Theory]
    [InlineData(704, 3 * 1024 * 1024)]
    [InlineData(4096, (1024 * 1024) + 4096)]
    [InlineData(4096, (2 * 1024 * 1024) + 17)]
    [InlineData(128 * 1024, 1)]
    [InlineData(128 * 1024, 8 * 1024 * 1024)]
    [InlineData(4096, (9 * 1024 * 1024) + 100)]
    public async Task Build_ReadingManyBlocksAtATime_EqualsHashingEachBlock(int blockSize, int length)
    {
        var data = RandomEdits.Bytes(new Random(length), length);

        var signature = await SignatureBuilder.BuildAsync(new NonSeekableReadStream(data), blockSize, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        var blocks = (length + blockSize - 1) / blockSize;
        Assert.Equal(blocks, signature.BlockCount);
        Assert.Equal(length - ((blocks - 1) * blockSize), signature.LastBlockLength);
        var strong = new byte[DeltaLimits.StrongHashLength];
        for (var b = 0; b < blocks; b++)
        {
            var block = data.AsSpan(b * blockSize, Math.Min(blockSize, length - (b * blockSize)));
            SignatureBuilder.ComputeStrongHash(block, strong);
            Assert.Equal(RollingChecksum.Compute(block), signature.GetWeak(b));
            Assert.True(signature.GetStrong(b).SequenceEqual(strong), $"block {b}");
        }
    }

    [Fact]
    public async Task Build_MoreBlocksThanAllowed_SignsOnlyTheFirstBlocks()
    {
        var data = RandomEdits.Bytes(new Random(9), (1024 * 1024) + 50_000);

        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(data), 1024, 1030, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1030, signature.BlockCount);
        Assert.Equal(1024, signature.LastBlockLength);
    }
}
