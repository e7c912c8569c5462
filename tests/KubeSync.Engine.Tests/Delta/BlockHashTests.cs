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
