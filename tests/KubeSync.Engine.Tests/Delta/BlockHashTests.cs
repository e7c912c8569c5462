using System.Text;

using KubeSync.Engine.Delta;

namespace KubeSync.Engine.Tests.Delta;

public sealed class BlockHashTests
{
    /// <summary>Published MurmurHash3 x64-128 vectors (seed 0x9747B28C), so the wire format is the named algorithm.</summary>
    [Theory]
    [InlineData("", "B3BBAA1D8A202B397A9502E38F60B093")]
    [InlineData("The quick brown fox jumps over the lazy dog", "213163D23B7F8A73E516C07E727345F9")]
    [InlineData("The quick brown fox jumps over the lazy cog", "94618270B057CDB83CF873585B456F55")]
    public void Compute_KnownVectors_Match(string input, string expected)
    {
        var hash = new byte[16];
        BlockHash.Compute(Encoding.ASCII.GetBytes(input), hash, 0x9747B28C);

        Assert.Equal(expected, Convert.ToHexString(hash));
    }

    /// <summary>
    /// XXH3-64 with seed 0 as the reference C library (libxxhash 0.8.1, <c>XXH3_64bits</c>) gives it, written
    /// little-endian: the empty input, a short one and one past the 240-byte threshold of its long-input path
    /// (51,200 bytes counting 0..255 over and over).
    /// </summary>
    [Theory]
    [InlineData(-1, "2D06800538D394C2")]
    [InlineData(-2, "CE7D19A5418FB365")]
    [InlineData(51_200, "DD6CD1B54EDE46EF")]
    public void Compute_Xxh3_MatchesTheReferenceLibrary(int length, string expectedValue)
    {
        var input = length switch
        {
            -1 => [],
            -2 => Encoding.ASCII.GetBytes("The quick brown fox jumps over the lazy dog"),
            _ => Enumerable.Range(0, length).Select(i => (byte)i).ToArray(),
        };
        var hash = new byte[BlockHash.LengthOf(BlockHashKind.Xxh3)];
        BlockHash.Compute(input, hash, BlockHashKind.Xxh3);

        Assert.Equal(8, hash.Length);
        Assert.Equal(expectedValue, Convert.ToHexString(hash.Reverse().ToArray()));
    }

    [Fact]
    public void Compute_EveryTailLength_DiffersFromItsNeighbours()
    {
        var data = new byte[48];
        new Random(7).NextBytes(data);
        var seen = new HashSet<string>();
        for (var length = 0; length <= data.Length; length++)
        {
            var hash = new byte[16];
            BlockHash.Compute(data.AsSpan(0, length), hash);
            Assert.True(seen.Add(Convert.ToHexString(hash)), $"length {length} collides with a shorter prefix");
        }
    }
}
