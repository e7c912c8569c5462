namespace KubeSync.Engine.Paths;

/// <summary>
/// A compiled shell glob, as used by include/exclude rules. A pattern containing <c>/</c> is a
/// <em>path pattern</em>: it is relative to the sync root (a leading <c>/</c> is optional, one trailing
/// <c>/</c> is ignored, <c>/</c> alone is the root itself) and matches a path when it matches the path or one
/// of its parent directories (csync2's <c>FNM_LEADING_DIR</c>), with <c>*</c>, <c>?</c> and <c>[...]</c> never
/// matching <c>/</c> and a whole segment <c>**</c> matching zero or more segments. A pattern without <c>/</c>
/// is a <em>basename pattern</em>, matched against the last segment only.
/// </summary>
/// <remarks>
/// Matching is a small hand-written matcher, linear in practice and never exponential: segments are
/// matched with single-star backtracking and path patterns run as a set of states (one bit per segment).
/// </remarks>
public sealed class GlobPattern
{
    /// <summary>Most segments in a path pattern (one state bit each, plus the accepting state).</summary>
    public const int MaxSegments = 63;

    private readonly GlobSegment[] segments;
    private readonly ulong start;
    private readonly ulong accept;

    private GlobPattern(string text, bool isPathPattern, GlobSegment[] segments)
    {
        Text = text;
        IsPathPattern = isPathPattern;
        this.segments = segments;
        accept = 1UL << segments.Length;
        start = Close(1UL);
    }

    /// <summary>The pattern as written.</summary>
    public string Text { get; }

    /// <summary>True for a path pattern (contains <c>/</c>), false for a basename pattern.</summary>
    public bool IsPathPattern { get; }

    /// <summary>
    /// Compiles <paramref name="pattern"/>. Throws <see cref="FormatException"/> naming the pattern when it is
    /// empty, has an unclosed <c>[</c>, a reversed range, a dangling <c>\</c>, an empty, <c>.</c> or <c>..</c>
    /// segment, or more than <see cref="MaxSegments"/> segments.
    /// </summary>
    public static GlobPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0)
        {
            throw new FormatException("empty pattern");
        }

        if (!pattern.Contains('/'))
        {
            CheckSegment(pattern, pattern);
            return new GlobPattern(pattern, false, [GlobSegment.Parse(pattern, pattern, allowDoubleStar: false)]);
        }

        if (pattern == "/")
        {
            return new GlobPattern(pattern, true, []);
        }

        var body = pattern.StartsWith('/') ? pattern[1..] : pattern;
        body = body.EndsWith('/') ? body[..^1] : body;
        var parts = body.Split('/');
        if (parts.Length > MaxSegments)
        {
            throw GlobCharClass.Error($"more than {MaxSegments} segments", pattern);
        }

        var compiled = new GlobSegment[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            CheckSegment(parts[i], pattern);
            compiled[i] = GlobSegment.Parse(parts[i], pattern, allowDoubleStar: true);
        }

        return new GlobPattern(pattern, true, compiled);
    }

    /// <summary>
    /// True when the pattern matches <paramref name="path"/>: a basename pattern its name, a path pattern the
    /// path or one of its parent directories.
    /// </summary>
    public bool IsMatch(SyncPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return IsPathPattern ? MatchDepth(path.Value) >= 0 : segments[0].IsMatch(path.Name);
    }

    /// <summary>True when this basename pattern matches the single name <paramref name="name"/>.</summary>
    public bool IsNameMatch(ReadOnlySpan<char> name) => !IsPathPattern && segments[0].IsMatch(name);

    public override string ToString() => Text;

    /// <summary>
    /// For a path pattern: the depth of the shallowest prefix of <paramref name="path"/> the pattern matches
    /// (0 for the root, 1 for the first segment ...), or -1 when it matches none, so neither the path.
    /// </summary>
    internal int MatchDepth(string path)
    {
        var states = start;
        if ((states & accept) != 0)
        {
            return 0;
        }

        var depth = 0;
        for (var from = 0; from <= path.Length; depth++)
        {
            var slash = path.IndexOf('/', from);
            var end = slash < 0 ? path.Length : slash;
            states = Step(states, path.AsSpan(from, end - from));
            if ((states & accept) != 0)
            {
                return depth + 1;
            }

            if (states == 0)
            {
                return -1;
            }

            from = end + 1;
        }

        return -1;
    }

    /// <summary>
    /// For a path pattern: true when it matches some path strictly below <paramref name="path"/> without
    /// matching the path itself or a parent of it (a proper prefix of the pattern matches the path).
    /// </summary>
    internal bool CanMatchBelow(string path)
    {
        var states = start;
        for (var from = 0; from <= path.Length && (states & accept) == 0 && states != 0;)
        {
            var slash = path.IndexOf('/', from);
            var end = slash < 0 ? path.Length : slash;
            states = Step(states, path.AsSpan(from, end - from));
            from = end + 1;
        }

        return states != 0 && (states & accept) == 0;
    }

    private ulong Step(ulong states, ReadOnlySpan<char> name)
    {
        var next = 0UL;
        for (var k = 0; k < segments.Length; k++)
        {
            if ((states & (1UL << k)) == 0)
            {
                continue;
            }

            var segment = segments[k];
            if (segment.IsDoubleStar)
            {
                next |= 1UL << k;
            }
            else if (segment.IsMatch(name))
            {
                next |= 1UL << (k + 1);
            }
        }

        return Close(next);
    }

    /// <summary>Adds the states reachable by letting a <c>**</c> segment match nothing.</summary>
    private ulong Close(ulong states)
    {
        for (var k = 0; k < segments.Length; k++)
        {
            if (segments[k].IsDoubleStar && (states & (1UL << k)) != 0)
            {
                states |= 1UL << (k + 1);
            }
        }

        return states;
    }

    private static void CheckSegment(string segment, string pattern)
    {
        if (segment.Length == 0)
        {
            throw GlobCharClass.Error("empty segment ('//')", pattern);
        }

        if (segment is "." or "..")
        {
            throw GlobCharClass.Error($"'{segment}' segment (it can never match)", pattern);
        }
    }
}
