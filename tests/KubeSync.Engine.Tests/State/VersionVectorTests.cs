using KubeSync.Engine.State;

namespace KubeSync.Engine.Tests.State;

public class VersionVectorTests
{
    [Theory]
    [InlineData("a:1", "a:1", VersionOrder.Equal)]
    [InlineData("a:2", "a:1", VersionOrder.Dominates)]
    [InlineData("a:1", "a:2", VersionOrder.DominatedBy)]
    [InlineData("a:1,b:1", "a:1", VersionOrder.Dominates)]
    [InlineData("a:1", "b:1", VersionOrder.Concurrent)]
    [InlineData("a:2,b:1", "a:1,b:2", VersionOrder.Concurrent)]
    [InlineData("{}", "a:1", VersionOrder.DominatedBy)]
    [InlineData("{}", "{}", VersionOrder.Equal)]
    public void Compare_Pairs_GivesOrder(string left, string right, VersionOrder expected)
    {
        Assert.Equal(expected, VersionVector.Parse(left).Compare(VersionVector.Parse(right)));
    }

    [Fact]
    public void Increment_NewAndExistingNode_CountsChanges()
    {
        var v = VersionVector.Empty.Increment("web-1").Increment("web-0").Increment("web-1");
        Assert.Equal("web-0:1,web-1:2", v.ToString());
        Assert.Equal(2UL, v["web-1"]);
        Assert.Equal(0UL, v["web-9"]);
    }

    [Fact]
    public void Merge_TwoConcurrent_DominatesBothAfterIncrement()
    {
        var a = VersionVector.Parse("a:3,b:1");
        var b = VersionVector.Parse("a:1,b:2,c:1");
        var merged = a.Merge(b);
        Assert.Equal("a:3,b:2,c:1", merged.ToString());
        var resolved = merged.Increment("b");
        Assert.Equal(VersionOrder.Dominates, resolved.Compare(a));
        Assert.Equal(VersionOrder.Dominates, resolved.Compare(b));
    }

    /// <summary>Property: Compare is antisymmetric, Merge is an upper bound, Equals agrees with Compare.</summary>
    [Fact]
    public void Compare_RandomVectors_LawsHold()
    {
        var random = new Random(42);
        VersionVector Random() => VersionVector.From(Enumerable.Range(0, random.Next(0, 4))
            .Select(_ => new KeyValuePair<string, ulong>(((char)('a' + random.Next(4))).ToString(), (ulong)random.Next(0, 4))));
        for (var i = 0; i < 5000; i++)
        {
            var x = Random();
            var y = Random();
            var forward = x.Compare(y);
            var backward = y.Compare(x);
            var mirrored = forward switch
            {
                VersionOrder.Dominates => VersionOrder.DominatedBy,
                VersionOrder.DominatedBy => VersionOrder.Dominates,
                _ => forward,
            };
            Assert.Equal(mirrored, backward);
            var m = x.Merge(y);
            Assert.NotEqual(VersionOrder.DominatedBy, m.Compare(x));
            Assert.NotEqual(VersionOrder.Concurrent, m.Compare(x));
            Assert.NotEqual(VersionOrder.Concurrent, m.Compare(y));
            Assert.Equal(forward == VersionOrder.Equal, x.Equals(y));
            Assert.Equal(x, VersionVector.Parse(x.ToString()));
        }
    }

    [Fact]
    public void Parse_Malformed_Throws()
    {
        Assert.Throws<FormatException>(() => VersionVector.Parse("a=1"));
        Assert.Throws<FormatException>(() => VersionVector.Parse("a:x"));
    }
}
