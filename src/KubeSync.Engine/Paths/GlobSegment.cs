using System.Text;

namespace KubeSync.Engine.Paths;

/// <summary>
/// One compiled segment of a glob: matches a single name (no <c>/</c>). <c>*</c> matches any run of
/// characters, <c>?</c> one character, <c>[...]</c> one character of a class, <c>\x</c> the character x.
/// Leading dots get no special treatment (as fnmatch without <c>FNM_PERIOD</c>, which csync2 uses).
/// </summary>
internal sealed class GlobSegment
{
    private readonly Token[] tokens;
    private readonly Shape shape;
    private readonly string affix;

    private GlobSegment(Token[] tokens, bool isDoubleStar)
    {
        this.tokens = tokens;
        IsDoubleStar = isDoubleStar;
        Literal = tokens is [{ Kind: TokenKind.Literal } only] ? only.Text : tokens.Length == 0 ? "" : null;

        // The common shapes ("*", "*~", "*.o", ".*", "tmp*") skip the general matcher.
        (shape, affix) = tokens switch
        {
            [{ Kind: TokenKind.Star }] => (Shape.AnyName, ""),
            [{ Kind: TokenKind.Star }, { Kind: TokenKind.Literal } last] => (Shape.Suffix, last.Text!),
            [{ Kind: TokenKind.Literal } first, { Kind: TokenKind.Star }] => (Shape.Prefix, first.Text!),
            _ => (Shape.General, ""),
        };
    }

    /// <summary>True for a whole segment <c>**</c> in a path pattern: it matches zero or more segments.</summary>
    public bool IsDoubleStar { get; }

    /// <summary>The text this segment matches when it has no wildcard, else null.</summary>
    public string? Literal { get; }

    /// <summary>Compiles one segment of <paramref name="pattern"/>; errors name the whole pattern.</summary>
    public static GlobSegment Parse(string text, string pattern, bool allowDoubleStar)
    {
        if (allowDoubleStar && text == "**")
        {
            return new GlobSegment([], isDoubleStar: true);
        }

        var tokens = new List<Token>();
        var literal = new StringBuilder();
        for (var i = 0; i < text.Length;)
        {
            var c = text[i];
            if (c is '*' or '?' or '[')
            {
                Flush(literal, tokens);
                if (c == '[')
                {
                    tokens.Add(new Token(TokenKind.Class, null, GlobCharClass.Parse(text, i, pattern, out i)));
                    continue;
                }

                // Consecutive stars are one star: "**" inside a segment does not cross '/'.
                if (c == '?' || tokens.Count == 0 || tokens[^1].Kind != TokenKind.Star)
                {
                    tokens.Add(new Token(c == '*' ? TokenKind.Star : TokenKind.Any, null, null));
                }

                i++;
                continue;
            }

            if (c == '\\')
            {
                if (++i >= text.Length)
                {
                    throw GlobCharClass.Error("dangling '\\' at the end", pattern);
                }

                c = text[i];
            }

            literal.Append(c);
            i++;
        }

        Flush(literal, tokens);
        return new GlobSegment([.. tokens], isDoubleStar: false);
    }

    /// <summary>True when the whole of <paramref name="name"/> matches this segment.</summary>
    public bool IsMatch(ReadOnlySpan<char> name)
    {
        if (Literal is not null)
        {
            return name.SequenceEqual(Literal);
        }

        switch (shape)
        {
            case Shape.AnyName:
                return true;
            case Shape.Prefix:
                return name.StartsWith(affix, StringComparison.Ordinal);
            case Shape.Suffix:
                return name.EndsWith(affix, StringComparison.Ordinal);
            default:
                break;
        }

        // Iterative matching that backtracks only to the most recent '*': O(pattern × name), never exponential.
        int t = 0, s = 0, starToken = -1, starResume = 0;
        while (s < name.Length)
        {
            if (t < tokens.Length && TryStep(tokens[t], name, ref s))
            {
                if (tokens[t].Kind == TokenKind.Star)
                {
                    starToken = t;
                    starResume = s;
                }

                t++;
                continue;
            }

            if (starToken < 0)
            {
                return false;
            }

            starResume += RuneLength(name, starResume);
            s = starResume;
            t = starToken + 1;
        }

        while (t < tokens.Length && tokens[t].Kind == TokenKind.Star)
        {
            t++;
        }

        return t == tokens.Length;
    }

    private static bool TryStep(Token token, ReadOnlySpan<char> name, ref int s)
    {
        switch (token.Kind)
        {
            case TokenKind.Star:
                return true;
            case TokenKind.Literal:
                if (!name[s..].StartsWith(token.Text, StringComparison.Ordinal))
                {
                    return false;
                }

                s += token.Text!.Length;
                return true;
            default:
                Rune.DecodeFromUtf16(name[s..], out var rune, out var consumed);
                if (token.Kind == TokenKind.Class && !token.Class!.Matches(rune))
                {
                    return false;
                }

                s += consumed;
                return true;
        }
    }

    private static int RuneLength(ReadOnlySpan<char> name, int s) =>
        char.IsHighSurrogate(name[s]) && s + 1 < name.Length && char.IsLowSurrogate(name[s + 1]) ? 2 : 1;

    private static void Flush(StringBuilder literal, List<Token> tokens)
    {
        if (literal.Length > 0)
        {
            tokens.Add(new Token(TokenKind.Literal, literal.ToString(), null));
            literal.Clear();
        }
    }

    private enum Shape
    {
        General,
        AnyName,
        Prefix,
        Suffix,
    }

    private enum TokenKind
    {
        Literal,
        Star,
        Any,
        Class,
    }

    private readonly record struct Token(TokenKind Kind, string? Text, GlobCharClass? Class);
}
