using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class DeltaApplierTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private static readonly byte[] Basis = RandomEdits.Bytes(new Random(1), 1000);

    public static TheoryData<int, int> HostileCopies => new()
    {
        { -1, 1 },
        { 0, 0 },
        { 0, -5 },
        { 15, 2 },
        { 16, 1 },
        { int.MaxValue, 1 },
        { 1, int.MaxValue },
        { int.MaxValue, int.MaxValue },
    };

    [Theory]
    [MemberData(nameof(HostileCopies))]
    public async Task WriteAsync_CopyOutsideBasis_ThrowsAndWritesNothing(int firstBlock, int blockCount)
    {
        var (signature, output, applier) = await CreateAsync(maxLength: 10_000).WaitAsync(Timeout);
        using (applier)
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => applier.WriteAsync(DeltaInstruction.Copy(firstBlock, blockCount), CancellationToken.None).AsTask().WaitAsync(Timeout));

            Assert.Equal(16, signature.BlockCount);
            Assert.Equal(0, output.Length);
        }
    }

    [Theory]
    [InlineData(0)]
    [InlineData(DeltaLimits.MaxLiteralLength + 1)]
    public async Task WriteAsync_LiteralOfInvalidLength_Throws(int length)
    {
        var (_, output, applier) = await CreateAsync(maxLength: 1 << 20).WaitAsync(Timeout);
        using (applier)
        {
            await Assert.ThrowsAsync<InvalidDataException>(() => applier.WriteAsync(DeltaInstruction.Literal(new byte[length]), CancellationToken.None).AsTask().WaitAsync(Timeout));

            Assert.Equal(0, output.Length);
        }
    }

    [Fact]
    public async Task WriteAsync_DefaultInstruction_Throws()
    {
        var (_, _, applier) = await CreateAsync(maxLength: 100).WaitAsync(Timeout);
        using (applier)
        {
            var error = await Assert.ThrowsAsync<InvalidDataException>(() => applier.WriteAsync(default, CancellationToken.None).AsTask().WaitAsync(Timeout));

            Assert.Contains("unknown", error.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WriteAsync_OutputPastLimit_ThrowsWithoutWritingPastIt()
    {
        var (_, output, applier) = await CreateAsync(maxLength: 300).WaitAsync(Timeout);
        using (applier)
        {
            await applier.WriteAsync(DeltaInstruction.Literal(new byte[100]), CancellationToken.None).AsTask().WaitAsync(Timeout);
            await applier.WriteAsync(DeltaInstruction.Copy(0, 2), CancellationToken.None).AsTask().WaitAsync(Timeout);

            await Assert.ThrowsAsync<InvalidDataException>(() => applier.WriteAsync(DeltaInstruction.Copy(2, 2), CancellationToken.None).AsTask().WaitAsync(Timeout));
            await Assert.ThrowsAsync<InvalidDataException>(() => applier.WriteAsync(DeltaInstruction.Literal(new byte[73]), CancellationToken.None).AsTask().WaitAsync(Timeout));

            Assert.Equal(228, output.Length);
            Assert.Equal(228, applier.Length);
        }
    }

    [Fact]
    public async Task WriteAsync_CopyOfShortLastBlock_CopiesItsExactLength()
    {
        var (signature, output, applier) = await CreateAsync(maxLength: 10_000).WaitAsync(Timeout);
        using (applier)
        {
            await applier.WriteAsync(DeltaInstruction.Copy(14, 2), CancellationToken.None).AsTask().WaitAsync(Timeout);
            var result = await applier.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(1000 - (14 * 64), signature.GetBlockLength(14) + signature.GetBlockLength(15));
            Assert.Equal(Basis[(14 * 64)..], output.ToArray());
            Assert.Equal(output.Length, result.CopiedBytes);
        }
    }

    [Fact]
    public async Task WriteAsync_BasisShorterThanSignature_ThrowsIOException()
    {
        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(Basis), 64, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(Timeout);
        using var shrunk = new MemoryStream(Basis[..500]);
        using var applier = new DeltaApplier(signature, shrunk, new MemoryStream(), 10_000);

        await Assert.ThrowsAsync<IOException>(() => applier.WriteAsync(DeltaInstruction.Copy(0, 16), CancellationToken.None).AsTask().WaitAsync(Timeout));
    }

    [Fact]
    public async Task WriteAsync_AfterComplete_Throws()
    {
        var (_, _, applier) = await CreateAsync(maxLength: 100).WaitAsync(Timeout);
        using (applier)
        {
            await applier.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);

            await Assert.ThrowsAsync<ObjectDisposedException>(() => applier.WriteAsync(DeltaInstruction.Literal(new byte[1]), CancellationToken.None).AsTask().WaitAsync(Timeout));
        }
    }

    [Fact]
    public async Task CompleteAsync_NoInstructions_ReturnsHashOfEmptyContent()
    {
        var (_, output, applier) = await CreateAsync(maxLength: 0).WaitAsync(Timeout);
        using (applier)
        {
            var result = await applier.CompleteAsync(CancellationToken.None).WaitAsync(Timeout);

            Assert.Equal(0, result.Length);
            Assert.Equal(System.Security.Cryptography.SHA256.HashData([]), result.ContentHash);
            Assert.Equal(0, output.Length);
        }
    }

    private static async Task<(BlockSignature Signature, MemoryStream Output, DeltaApplier Applier)> CreateAsync(long maxLength)
    {
        var signature = await SignatureBuilder.BuildAsync(new MemoryStream(Basis), 64, DeltaLimits.MaxBlockCount, CancellationToken.None).WaitAsync(Timeout);
        var output = new MemoryStream();
        return (signature, output, new DeltaApplier(signature, new MemoryStream(Basis), output, maxLength));
    }
}
