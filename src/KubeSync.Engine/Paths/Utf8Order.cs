namespace KubeSync.Engine.Paths;

/// <summary>
/// Compares strings in the order of their UTF-8 bytes (code point order). <see cref="string.CompareOrdinal(string, string)"/>
/// compares UTF-16 code units, which puts U+E000..U+FFFF after supplementary characters; SQLite's BINARY
/// collation, which the scanner merges against, does not.
/// </summary>
public static class Utf8Order
{
    public static int Compare(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        // Paths of one tree share long prefixes: the common part is found with vector compares.
        var i = a.AsSpan().CommonPrefixLength(b);
        if (i == a.Length || i == b.Length)
        {
            return a.Length - b.Length;
        }

        var x = a[i];
        var y = b[i];

        // Surrogates (U+D800..U+DFFF) stand for code points above U+FFFF: lift them above the BMP's top.
        return x >= 0xD800 && y >= 0xD800 ? Lift(x) - Lift(y) : x - y;
    }

    private static int Lift(char c) => c is >= '\uD800' and <= '\uDFFF' ? c + 0x2000 : c - 0x800;
}
