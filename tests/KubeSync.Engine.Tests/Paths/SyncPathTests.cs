using System.Text;

using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Tests.Paths;

public class SyncPathTests
{
    [Theory]
    [InlineData("", "empty path")]
    [InlineData("/etc/passwd", "absolute path")]
    [InlineData("a//b", "empty segment")]
    [InlineData("a/", "trailing '/'")]
    [InlineData("..", "'..' segment")]
    [InlineData("a/../../etc", "'..' segment")]
    [InlineData("a/..", "'..' segment")]
    [InlineData(".", "'.' segment")]
    [InlineData("./a", "'.' segment")]
    [InlineData("a/./b", "'.' segment")]
    [InlineData("a\0b", "NUL character")]
    [InlineData("a\nb", "newline character")]
    [InlineData("a\rb", "control character U+000D")]
    [InlineData("tab\there", "control character U+0009")]
    [InlineData("del\u007F", "control character U+007F")]
    [InlineData("repl\uFFFD", "replacement character")]
    public void TryParse_BadPath_RejectedWithReason(string text, string reason)
    {
        Assert.False(SyncPath.TryParse(text, out var path, out var error));
        Assert.Null(path);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void TryParse_LoneSurrogate_Rejected()
    {
        // Built in code: xunit's test-case serialization would replace a lone surrogate in InlineData.
        foreach (var text in new[] { "bad" + (char)0xD800, "bad" + (char)0xDC00 + "x", (char)0xDBFF + "" })
        {
            Assert.False(SyncPath.TryParse(text, out _, out var error));
            Assert.Contains("lone surrogate", error);
        }
    }

    [Fact]
    public void TryParse_Null_Rejected()
    {
        Assert.False(SyncPath.TryParse(null, out _, out var error));
        Assert.Equal("empty path", error);
    }

    [Fact]
    public void TryParse_OverlongSegment_Rejected()
    {
        Assert.True(SyncPath.TryParse(new string('a', 255), out _, out _));
        Assert.False(SyncPath.TryParse(new string('a', 256), out _, out var error));
        Assert.Contains("segment longer than 255 bytes", error);

        // 128 two-byte characters are 256 bytes: the limit is in UTF-8 bytes, not characters.
        Assert.False(SyncPath.TryParse(new string('é', 128), out _, out error));
        Assert.Contains("segment longer", error);
    }

    [Fact]
    public void TryParse_OverlongPath_Rejected()
    {
        var segment = new string('a', 200);
        var ok = string.Join('/', Enumerable.Repeat(segment, 20));
        Assert.True(SyncPath.TryParse(ok, out _, out _));
        var tooLong = string.Join('/', Enumerable.Repeat(segment, 21));
        Assert.False(SyncPath.TryParse(tooLong, out _, out var error));
        Assert.Contains("longer than 4095 bytes", error);
    }

    [Fact]
    public void TryParseUtf8_InvalidUtf8_Rejected()
    {
        Assert.False(SyncPath.TryParseUtf8([0x61, 0xFF, 0x62], out _, out var error));
        Assert.Equal("not valid UTF-8", error);
        Assert.False(SyncPath.TryParseUtf8([0xC0, 0xAF], out _, out error)); // over-long encoding of '/'
        Assert.Equal("not valid UTF-8", error);
        Assert.False(SyncPath.TryParseUtf8([0xED, 0xA0, 0x80], out _, out error)); // an encoded surrogate
        Assert.Equal("not valid UTF-8", error);
        Assert.True(SyncPath.TryParseUtf8("caf\u00e9/\U0001F600.txt"u8, out var path, out _));
        Assert.Equal("caf\u00e9/\U0001F600.txt", path.Value);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a/b/c.conf")]
    [InlineData("..a/b..")]
    [InlineData(".hidden/...")]
    [InlineData("with space/and-dash_under")]
    [InlineData("back\\slash")]
    [InlineData("日本語/ファイル")]
    public void TryParse_ValidPath_Accepted(string text)
    {
        Assert.True(SyncPath.TryParse(text, out var path, out var error), error);
        Assert.Equal(text, path.Value);
        Assert.Equal(text, path.ToString());
    }

    [Fact]
    public void Parts_NameParentDepth_AreConsistent()
    {
        var path = SyncPath.Parse("etc/nginx/nginx.conf");
        Assert.Equal("nginx.conf", path.Name);
        Assert.Equal("etc/nginx", path.Parent!.Value);
        Assert.Equal(3, path.Depth);
        Assert.Null(SyncPath.Parse("top").Parent);
        Assert.Equal(["etc/nginx/nginx.conf", "etc/nginx", "etc"], path.SelfAndAncestors().Select(p => p.Value));
        Assert.True(SyncPath.Parse("etc").IsAncestorOf(path));
        Assert.False(SyncPath.Parse("et").IsAncestorOf(path));
        Assert.False(path.IsAncestorOf(path));
    }

    [Fact]
    public void TryCombine_NameWithSlash_Rejected()
    {
        Assert.False(SyncPath.TryCombine(null, "a/b", out _, out var error));
        Assert.Contains("'/'", error);
        Assert.True(SyncPath.TryCombine(SyncPath.Parse("a"), "b", out var combined, out _));
        Assert.Equal("a/b", combined.Value);
    }

    [Fact]
    public void Parse_Invalid_ThrowsFormatExceptionWithEscapedInput()
    {
        var ex = Assert.Throws<FormatException>(() => SyncPath.Parse("evil\n../x"));
        Assert.Contains("evil\\u000a", ex.Message);
    }

    /// <summary>Property: any string either parses to a path that round-trips and has no bad segment, or is rejected.</summary>
    [Fact]
    public void TryParse_RandomStrings_AcceptedOnlyWhenSafe()
    {
        var random = new Random(20261121);
        const string alphabet = "ab./\\\0\n\u00e9\uD83D\uDE00\u0001 ~*";
        for (var i = 0; i < 20000; i++)
        {
            var chars = new char[random.Next(0, 12)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = alphabet[random.Next(alphabet.Length)];
            }

            var text = new string(chars);
            if (SyncPath.TryParse(text, out var path, out var error))
            {
                Assert.Equal(text, path.Value);
                Assert.DoesNotContain(path.Value.Split('/'), s => s is "" or "." or "..");
                Assert.DoesNotContain(path.Value, c => char.IsControl(c));
                Assert.False(path.Value.StartsWith('/'));
                Assert.True(SyncPath.TryParseUtf8(Encoding.UTF8.GetBytes(text), out var again, out _));
                Assert.Equal(path, again);
            }
            else
            {
                Assert.False(string.IsNullOrEmpty(error));
            }
        }
    }

    /// <summary>Property: ordering equals the byte order of UTF-8 (SQLite's BINARY collation), which the scanner's merge relies on.</summary>
    [Fact]
    public void CompareTo_RandomPaths_MatchesUtf8ByteOrder()
    {
        var random = new Random(7);
        string[] pieces = ["a", "b", "a-b", "a.b", "a/b", "\u00e9", "\uFF21", "\U0001F600", "Z", "0"];
        var paths = new List<SyncPath>();
        for (var i = 0; i < 2000; i++)
        {
            var text = string.Concat(Enumerable.Range(0, random.Next(1, 4)).Select(_ => pieces[random.Next(pieces.Length)]));
            if (SyncPath.TryParse(text, out var path, out _))
            {
                paths.Add(path);
            }
        }

        var byUtf8 = paths.OrderBy(p => Encoding.UTF8.GetBytes(p.Value), ByteComparer.Instance).Select(p => p.Value).ToList();
        var byPath = paths.Order().Select(p => p.Value).ToList();
        Assert.Equal(byUtf8, byPath);
    }

    private sealed class ByteComparer : IComparer<byte[]>
    {
        public static readonly ByteComparer Instance = new();

        public int Compare(byte[]? x, byte[]? y) => x.AsSpan().SequenceCompareTo(y);
    }
}
