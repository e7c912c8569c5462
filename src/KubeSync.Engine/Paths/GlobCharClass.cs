using System.Text;

namespace KubeSync.Engine.Paths;

/// <summary>A compiled bracket expression (<c>[a-z]</c>, <c>[!.]</c>, <c>[[:digit:]_]</c>) matching one character.</summary>
internal sealed class GlobCharClass
{
    private readonly (int Low, int High)[] ranges;
    private readonly Func<Rune, bool>[] named;
    private readonly bool negated;

    private GlobCharClass((int Low, int High)[] ranges, Func<Rune, bool>[] named, bool negated)
    {
        this.ranges = ranges;
        this.named = named;
        this.negated = negated;
    }

    /// <summary>True when <paramref name="c"/> is in the class (or, for a negated class, is not).</summary>
    public bool Matches(Rune c)
    {
        var value = c.Value;
        foreach (var (low, high) in ranges)
        {
            if (value >= low && value <= high)
            {
                return !negated;
            }
        }

        foreach (var test in named)
        {
            if (test(c))
            {
                return !negated;
            }
        }

        return negated;
    }

    /// <summary>
    /// Parses the bracket expression that opens at <paramref name="start"/> (the <c>[</c>) and returns the index
    /// just after its closing <c>]</c>. A <c>]</c> right after the opening (or after <c>!</c>/<c>^</c>) is literal.
    /// </summary>
    public static GlobCharClass Parse(string text, int start, string pattern, out int next)
    {
        var i = start + 1;
        var negated = i < text.Length && text[i] is '!' or '^';
        if (negated)
        {
            i++;
        }

        var ranges = new List<(int, int)>();
        var named = new List<Func<Rune, bool>>();
        var first = true;
        while (i < text.Length && (text[i] != ']' || first))
        {
            first = false;
            if (text[i] == '[' && i + 1 < text.Length && text[i + 1] == ':')
            {
                named.Add(ParseNamed(text, ref i, pattern));
                continue;
            }

            var low = ReadChar(text, ref i, pattern);
            var high = low;
            if (i + 1 < text.Length && text[i] == '-' && text[i + 1] != ']')
            {
                i++;
                high = ReadChar(text, ref i, pattern);
                if (high < low)
                {
                    throw Error($"reversed range '{char.ConvertFromUtf32(low)}-{char.ConvertFromUtf32(high)}'", pattern);
                }
            }

            ranges.Add((low, high));
        }

        if (i >= text.Length)
        {
            throw Error("unclosed '['", pattern);
        }

        next = i + 1;
        return new GlobCharClass([.. ranges], [.. named], negated);
    }

    private static int ReadChar(string text, ref int i, string pattern)
    {
        if (text[i] == '\\')
        {
            i++;
            if (i >= text.Length)
            {
                throw Error("unclosed '['", pattern);
            }
        }

        var status = Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var consumed);
        if (status != System.Buffers.OperationStatus.Done)
        {
            throw Error("invalid UTF-16", pattern);
        }

        i += consumed;
        return rune.Value;
    }

    private static Func<Rune, bool> ParseNamed(string text, ref int i, string pattern)
    {
        var end = text.IndexOf(":]", i + 2, StringComparison.Ordinal);
        if (end < 0)
        {
            throw Error("unclosed '[:'", pattern);
        }

        var name = text[(i + 2)..end];
        i = end + 2;
        return name switch
        {
            "alpha" => Rune.IsLetter,
            "digit" => static r => r.Value is >= '0' and <= '9',
            "alnum" => Rune.IsLetterOrDigit,
            "upper" => Rune.IsUpper,
            "lower" => Rune.IsLower,
            "space" => Rune.IsWhiteSpace,
            "blank" => static r => r.Value is ' ' or '\t',
            "punct" => static r => Rune.IsPunctuation(r) || Rune.IsSymbol(r),
            "xdigit" => static r => r.Value is (>= '0' and <= '9') or (>= 'a' and <= 'f') or (>= 'A' and <= 'F'),
            "cntrl" => Rune.IsControl,
            "print" => static r => !Rune.IsControl(r),
            "graph" => static r => !Rune.IsControl(r) && !Rune.IsWhiteSpace(r),
            _ => throw Error($"unknown character class '[:{name}:]'", pattern),
        };
    }

    internal static FormatException Error(string reason, string pattern) =>
        new($"{reason} in pattern \"{SyncPath.Printable(pattern)}\"");
}
