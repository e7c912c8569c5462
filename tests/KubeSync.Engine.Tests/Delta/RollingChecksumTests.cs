using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class RollingChecksumTests
{
    [Fact]
    public void Compute_KnownInput_MatchesRsyncDefinition()
    {
        // a = 97 + 98 + 99 = 294; b = 3·97 + 2·98 + 1·99 = 586.
        Assert.Equal(294u | (586u << 16), RollingChecksum.Compute("abc"u8));
        Assert.Equal(0u, RollingChecksum.Compute([]));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(64)]
    [InlineData(700)]
    [InlineData(131072)]
    public void Roll_OverRandomData_EqualsComputingFromScratch(int window)
    {
        var data = RandomEdits.Bytes(new Random(window), window + 300);
        var checksum = default(RollingChecksum);
        checksum.Reset(data.AsSpan(0, window));

        for (var start = 1; start + window <= data.Length; start++)
        {
            checksum.Roll(data[start - 1], data[start + window - 1]);

            Assert.Equal(RollingChecksum.Compute(data.AsSpan(start, window)), checksum.Value);
        }

        Assert.Equal(window, checksum.Length);
    }

    [Fact]
    public void Compute_AllBytesMaximal_WrapsWithoutOverflow()
    {
        var data = Enumerable.Repeat((byte)0xFF, DeltaLimits.MaxBlockSize).ToArray();

        var value = RollingChecksum.Compute(data);

        var a = (uint)(0xFFL * data.Length % 65536);
        var b = (uint)((0xFFL * data.Length * (data.Length + 1) / 2) % 65536);
        Assert.Equal(a | (b << 16), value);
    }

    /// <summary>Window lengths around the vector widths (16 and 32 bytes) and the block sizes a signature uses.</summary>
    public static TheoryData<int> VectorLengths => [32, 33, 47, 63, 64, 65, 704, 32768, 32799, 131072];

    [Theory]
    [MemberData(nameof(VectorLengths))]
    public void Compute_VectorisedPath_EqualsTheScalarSums(int length)
    {
        foreach (var window in RandomAndSaturated(length))
        {
            var (a, b) = RollingChecksum.SumsScalar(window, 0, 0, 0);

            Assert.Equal((a & 0xFFFF) | (b << 16), RollingChecksum.Compute(window));
        }
    }

    [TheoryIfSsse3]
    [MemberData(nameof(VectorLengths))]
    public void SumsSsse3_EqualsTheScalarSums(int length)
    {
        foreach (var window in RandomAndSaturated(length))
        {
            Assert.Equal(RollingChecksum.SumsScalar(window, 0, 0, 0), RollingChecksum.SumsSsse3(window));
        }
    }

    [Theory]
    [MemberData(nameof(VectorLengths))]
    public void SumsVector128_EqualsTheScalarSums(int length)
    {
        foreach (var window in RandomAndSaturated(length))
        {
            Assert.Equal(RollingChecksum.SumsScalar(window, 0, 0, 0), RollingChecksum.SumsVector128(window));
        }
    }

    /// <summary>Random bytes, and all 0xFF (the largest sums, where an overflowing lane would show).</summary>
    private static byte[][] RandomAndSaturated(int length) =>
        [RandomEdits.Bytes(new Random(length), length), Enumerable.Repeat((byte)0xFF, length).ToArray()];
}
