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

        var n = Math.Min(a.Length, b.Length);
        for (var i = 0; i < n; i++)
        {
            var x = a[i];
            var y = b[i];
            if (x == y)
            {
                continue;
            }

            // Surrogates (U+D800..U+DFFF) stand for code points above U+FFFF: lift them above the BMP's top.
            if (x >= 0xD800 && y >= 0xD800)
            {
                return Lift(x) - Lift(y);
            }

            return x - y;
        }

        return a.Length - b.Length;
    }

    private static int Lift(char c) => c is >= '\uD800' and <= '\uDFFF' ? c + 0x2000 : c - 0x800;
}
