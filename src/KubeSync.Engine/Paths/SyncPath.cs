using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace KubeSync.Engine.Paths;

/// <summary>
/// A validated path relative to a group's sync root: <c>/</c>-separated, no empty, <c>.</c> or <c>..</c>
/// segments, no control characters, valid UTF-8, bounded length. It is the only form in which a name
/// (from the disk, the CLI or a peer) reaches the file system.
/// </summary>
/// <remarks>
/// Names are not Unicode-normalized: Linux names are bytes, and two spellings are two files. A form that
/// would need normalizing (a leading slash, a doubled slash, <c>./</c>) is rejected, not repaired, so
/// that a peer cannot smuggle a second spelling of a path past a comparison.
/// </remarks>
public sealed class SyncPath : IEquatable<SyncPath>, IComparable<SyncPath>
{
    /// <summary>Longest segment in UTF-8 bytes (Linux NAME_MAX).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>Longest path in UTF-8 bytes (Linux PATH_MAX less the terminating NUL).</summary>
    public const int MaxBytes = 4095;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private SyncPath(string value) => Value = value;

    /// <summary>The path, <c>/</c>-separated, without a leading or trailing slash.</summary>
    public string Value { get; }

    /// <summary>The last segment.</summary>
    public string Name => Value[(Value.LastIndexOf('/') + 1)..];

    /// <summary>The parent path, or <see langword="null"/> for an entry directly under the root.</summary>
    public SyncPath? Parent
    {
        get
        {
            var slash = Value.LastIndexOf('/');
            return slash < 0 ? null : new SyncPath(Value[..slash]);
        }
    }

    /// <summary>The parent path's text, empty for an entry directly under the root: a key for the directory holding it.</summary>
    public string ParentValue
    {
        get
        {
            var slash = Value.LastIndexOf('/');
            return slash < 0 ? string.Empty : Value[..slash];
        }
    }

    /// <summary>Number of segments (1 for an entry directly under the root).</summary>
    public int Depth => Value.AsSpan().Count('/') + 1;

    /// <summary>Parses a path, throwing <see cref="FormatException"/> with the reason when it is not valid.</summary>
    public static SyncPath Parse(string text) =>
        TryParse(text, out var path, out var error) ? path : throw new FormatException($"invalid path '{Printable(text)}': {error}");

    /// <summary>Parses a path; on failure <paramref name="error"/> says why, in words fit for a log line.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out SyncPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        error = Validate(text);
        if (error is not null)
        {
            return false;
        }

        path = new SyncPath(text!);
        return true;
    }

    /// <summary>Parses a path given as UTF-8 bytes (a directory entry, a protocol field); invalid UTF-8 is rejected.</summary>
    public static bool TryParseUtf8(ReadOnlySpan<byte> utf8, [NotNullWhen(true)] out SyncPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (utf8.Length > MaxBytes)
        {
            error = $"longer than {MaxBytes} bytes";
            return false;
        }

        string text;
        try
        {
            text = StrictUtf8.GetString(utf8);
        }
        catch (DecoderFallbackException)
        {
            error = "not valid UTF-8";
            return false;
        }

        return TryParse(text, out path, out error);
    }

    /// <summary>Appends one segment; throws <see cref="FormatException"/> if <paramref name="name"/> is not a valid segment.</summary>
    public SyncPath Append(string name) => Parse(Value + "/" + name);

    /// <summary>Makes a one-segment path from a directory entry name.</summary>
    public static bool TryFromName(string name, [NotNullWhen(true)] out SyncPath? path, [NotNullWhen(false)] out string? error)
    {
        if (name.Contains('/'))
        {
            path = null;
            error = "a name cannot contain '/'";
            return false;
        }

        return TryParse(name, out path, out error);
    }

    /// <summary>Appends a directory entry name to <paramref name="parent"/> (or makes a top-level path when it is null).</summary>
    /// <remarks>Only the new segment is validated: the parent already is. The tree walker calls this for every entry.</remarks>
    public static bool TryCombine(SyncPath? parent, string name, [NotNullWhen(true)] out SyncPath? path, [NotNullWhen(false)] out string? error)
    {
        path = null;
        if (name.Contains('/'))
        {
            error = "a name cannot contain '/'";
            return false;
        }

        error = ValidateSegment(name, 0, name.Length, out var bytes);
        if (error is not null)
        {
            return false;
        }

        if (parent is not null && Encoding.UTF8.GetByteCount(parent.Value) + 1 + bytes > MaxBytes)
        {
            error = $"longer than {MaxBytes} bytes";
            return false;
        }

        path = new SyncPath(parent is null ? name : string.Concat(parent.Value, "/", name));
        return true;
    }

    /// <summary>True when this path is a proper ancestor of <paramref name="other"/>.</summary>
    public bool IsAncestorOf(SyncPath other) =>
        other.Value.Length > Value.Length && other.Value[Value.Length] == '/' && other.Value.StartsWith(Value, StringComparison.Ordinal);

    /// <summary>This path and then each ancestor, nearest first.</summary>
    public IEnumerable<SyncPath> SelfAndAncestors()
    {
        for (SyncPath? p = this; p is not null; p = p.Parent)
        {
            yield return p;
        }
    }

    /// <summary>Orders paths by their UTF-8 bytes, the order SQLite's BINARY collation uses.</summary>
    public int CompareTo(SyncPath? other) => other is null ? 1 : Utf8Order.Compare(Value, other.Value);

    public bool Equals(SyncPath? other) => other is not null && string.Equals(Value, other.Value, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is SyncPath other && Equals(other);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Value);

    public override string ToString() => Value;

    public static bool operator ==(SyncPath? left, SyncPath? right) => left is null ? right is null : left.Equals(right);

    public static bool operator !=(SyncPath? left, SyncPath? right) => !(left == right);

    public static bool operator <(SyncPath left, SyncPath right) => Compare(left, right) < 0;

    public static bool operator >(SyncPath left, SyncPath right) => Compare(left, right) > 0;

    public static bool operator <=(SyncPath left, SyncPath right) => Compare(left, right) <= 0;

    public static bool operator >=(SyncPath left, SyncPath right) => Compare(left, right) >= 0;

    private static int Compare(SyncPath? left, SyncPath? right) => left is null ? (right is null ? 0 : -1) : left.CompareTo(right);

    private static string? Validate(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "empty path";
        }

        if (text[0] == '/')
        {
            return "absolute path (must be relative to the sync root)";
        }

        if (text[^1] == '/')
        {
            return "trailing '/'";
        }

        var totalBytes = -1;
        var start = 0;
        while (start <= text.Length)
        {
            var end = text.IndexOf('/', start);
            end = end < 0 ? text.Length : end;
            var error = ValidateSegment(text, start, end, out var bytes);
            if (error is not null)
            {
                return error;
            }

            totalBytes += bytes + 1;
            start = end + 1;
        }

        return totalBytes > MaxBytes ? $"longer than {MaxBytes} bytes" : null;
    }

    /// <summary>Checks <c>text[start..end]</c> as one segment and counts its UTF-8 bytes.</summary>
    private static string? ValidateSegment(string text, int start, int end, out int bytes)
    {
        bytes = 0;
        var segment = text.AsSpan(start, end - start);
        if (segment.IsEmpty)
        {
            return "empty segment ('//')";
        }

        if (segment is ".")
        {
            return "'.' segment";
        }

        if (segment is "..")
        {
            return "'..' segment";
        }

        for (var i = start; i < end; i++)
        {
            var c = text[i];
            if (c >= 0x80 || c < 0x20 || c == 0x7F)
            {
                var error = ValidateChar(text, i);
                if (error is not null)
                {
                    return error;
                }
            }

            // UTF-8 length: a surrogate pair is 4 bytes, counted 2 for each half.
            bytes += c < 0x80 ? 1 : c < 0x800 ? 2 : char.IsSurrogate(c) ? 2 : 3;
        }

        return bytes > MaxSegmentBytes ? $"segment longer than {MaxSegmentBytes} bytes" : null;
    }

    private static string? ValidateChar(string text, int i)
    {
        var c = text[i];
        if (c == '\0')
        {
            return "NUL character";
        }

        if (char.IsControl(c))
        {
            return c == '\n' ? "newline character" : $"control character U+{(int)c:X4}";
        }

        if (char.IsHighSurrogate(c))
        {
            return i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? null : "not valid UTF-8 (lone surrogate)";
        }

        if (char.IsLowSurrogate(c))
        {
            return i > 0 && char.IsHighSurrogate(text[i - 1]) ? null : "not valid UTF-8 (lone surrogate)";
        }

        return c == '\uFFFD' ? "not valid UTF-8 (replacement character)" : null;
    }

    /// <summary>Renders untrusted text for an error message: control characters escaped, length capped.</summary>
    internal static string Printable(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var sb = new StringBuilder(Math.Min(text.Length, 200));
        foreach (var c in text.Length > 200 ? text[..200] : text)
        {
            sb.Append(char.IsControl(c) || char.IsSurrogate(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return text.Length > 200 ? sb.Append('…').ToString() : sb.ToString();
    }
}
