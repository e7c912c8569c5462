using System.Text;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

public sealed class Utf8OrderTests
{
    /// <summary>Characters whose UTF-16 and UTF-8 orders differ: ASCII, the top of the BMP, and a surrogate pair.</summary>
    private static readonly string[] Pieces = ["a", "b", "/", "-", "\u00e9", "\uE000", "\uFF21", "\U0001F600", "\U00010000"];

    [Fact]
    public void Compare_AgreesWithTheUtf8Bytes_ForSharedPrefixesOfEveryLength()
    {
        var random = new Random(7);
        string Make(string prefix) => prefix + string.Concat(Enumerable.Range(0, random.Next(0, 4)).Select(_ => Pieces[random.Next(Pieces.Length)]));
        for (var round = 0; round < 5000; round++)
        {
            // A long shared prefix (as paths of one tree have) and short tails that differ anywhere, or not at all.
            var prefix = new string('d', random.Next(0, 70)) + "/" + Pieces[random.Next(Pieces.Length)];
            var a = Make(prefix);
            var b = random.Next(8) == 0 ? a : Make(prefix);

            var expected = Math.Sign(Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b)));
            Assert.True(expected == Math.Sign(Utf8Order.Compare(a, b)), $"'{a}' vs '{b}'");
            Assert.Equal(-expected, Math.Sign(Utf8Order.Compare(b, a)));
        }
    }

    [Fact]
    public void Compare_NullsFirst_PrefixBeforeLonger()
    {
        Assert.Equal(0, Utf8Order.Compare(null, null));
        Assert.True(Utf8Order.Compare(null, "") < 0);
        Assert.True(Utf8Order.Compare("a", null) > 0);
        Assert.True(Utf8Order.Compare("dir", "dir/file") < 0);
        Assert.Equal(0, Utf8Order.Compare("dir/\U0001F600", "dir/\U0001F600"));
    }
}
