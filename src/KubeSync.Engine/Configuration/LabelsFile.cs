using System.Globalization;
using System.Text;

namespace KubeSync.Engine.Configuration;

/// <summary>
/// Reads a member's pod labels as a downward API volume writes <c>metadata.labels</c>: one <c>key="value"</c> per line,
/// the value quoted and escaped as Go's <c>%q</c> does. Every problem is a <see cref="ConfigException"/> on <c>labelsFile</c>.
/// </summary>
public static class LabelsFile
{
    public const string Key = "labelsFile";

    public static IReadOnlyDictionary<string, string> Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(Key, $"cannot read the labels file {path}: {ex.Message} (mount a downward API volume of metadata.labels there)");
        }

        return Parse(text, path);
    }

    public static IReadOnlyDictionary<string, string> Parse(string text, string source)
    {
        ArgumentNullException.ThrowIfNull(text);
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd('\r');
            if (line.Length == 0)
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var value = eq > 0 ? Unquote(line.AsSpan(eq + 1)) : null;
            if (value is null)
            {
                throw new ConfigException(Key, $"{source}, line {i + 1}: expected key=\"value\", got \"{line}\"");
            }

            labels[line[..eq]] = value;
        }

        return labels;
    }

    /// <summary>
    /// A Go-quoted string (<c>"a\"b"</c>) without its quotes and escapes, or null when it is not one. Go's <c>%q</c> escapes
    /// <c>\a \b \f \n \r \t \v \\ \"</c>, a rune it cannot print as <c>\uXXXX</c> or <c>\UXXXXXXXX</c>, and a byte that is
    /// not UTF-8 as <c>\xXX</c>: the value is collected as UTF-8 bytes and decoded at the end.
    /// </summary>
    private static string? Unquote(ReadOnlySpan<char> quoted)
    {
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"')
        {
            return null;
        }

        var body = quoted[1..^1];
        var bytes = new List<byte>(body.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '"')
            {
                return null;
            }

            if (body[i] != '\\')
            {
                // A lone surrogate decodes as U+FFFD, as Encoding.UTF8 would write it.
                Rune.DecodeFromUtf16(body[i..], out var plain, out var consumed);
                bytes.AddRange(utf8[..plain.EncodeToUtf8(utf8)]);
                i += consumed - 1;
                continue;
            }

            if (++i >= body.Length)
            {
                return null;
            }

            var escaped = body[i] switch
            {
                '\\' or '"' or '\'' => body[i],
                'a' => '\a',
                'b' => '\b',
                'f' => '\f',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'v' => '\v',
                _ => (char?)null,
            };
            if (escaped is { } c)
            {
                bytes.Add((byte)c);
                continue;
            }

            var digits = body[i] switch { 'x' => 2, 'u' => 4, 'U' => 8, _ => 0 };
            if (digits == 0 || i + digits >= body.Length
                || !uint.TryParse(body.Slice(i + 1, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return null;
            }

            if (body[i] == 'x')
            {
                bytes.Add((byte)value);
            }
            else if (Rune.TryCreate(value, out var rune))
            {
                bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
            }
            else
            {
                return null;
            }

            i += digits;
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }
}
