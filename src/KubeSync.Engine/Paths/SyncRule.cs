namespace KubeSync.Engine.Paths;

/// <summary>
/// One include or exclude rule: a shell glob that is a path pattern when it contains <c>/</c> (matched
/// against the root-relative path and its parent directories) and a basename pattern otherwise.
/// </summary>
/// <param name="Include">True for an include rule, false for an exclude rule.</param>
/// <param name="Pattern">The glob as written in the configuration.</param>
public readonly record struct SyncRule(bool Include, string Pattern)
{
    /// <summary>An include rule.</summary>
    public static SyncRule Including(string pattern) => new(true, pattern);

    /// <summary>An exclude rule.</summary>
    public static SyncRule Excluding(string pattern) => new(false, pattern);

    /// <summary>
    /// Parses the ordered form <c>"+ pattern"</c> (include) or <c>"- pattern"</c> (exclude): a sign, at least
    /// one space, then the pattern. Throws <see cref="FormatException"/> naming the text otherwise.
    /// </summary>
    public static SyncRule Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 3 || (text[0] != '+' && text[0] != '-') || !IsBlank(text[1]))
        {
            throw new FormatException($"expected \"+ pattern\" or \"- pattern\", got \"{SyncPath.Printable(text)}\"");
        }

        var pattern = text[1..].TrimStart(' ', '\t');
        if (pattern.Length == 0)
        {
            throw new FormatException($"missing pattern after '{text[0]}' in \"{SyncPath.Printable(text)}\"");
        }

        return new SyncRule(text[0] == '+', pattern);
    }

    /// <summary>The ordered form, <c>"+ pattern"</c> or <c>"- pattern"</c>.</summary>
    public override string ToString() => (Include ? "+ " : "- ") + Pattern;

    private static bool IsBlank(char c) => c is ' ' or '\t';
}
