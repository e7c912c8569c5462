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

    /// <summary>A Go-quoted string (<c>"a\"b"</c>) without its quotes and escapes, or null when it is not one.</summary>
    private static string? Unquote(ReadOnlySpan<char> quoted)
    {
        if (quoted.Length < 2 || quoted[0] != '"' || quoted[^1] != '"')
        {
            return null;
        }

        var body = quoted[1..^1];
        var result = new StringBuilder(body.Length);
        for (var i = 0; i < body.Length; i++)
        {
            if (body[i] == '"')
            {
                return null;
            }

            if (body[i] != '\\')
            {
                result.Append(body[i]);
                continue;
            }

            if (++i >= body.Length)
            {
                return null;
            }

            switch (body[i])
            {
                case '\\' or '"' or '\'':
                    result.Append(body[i]);
                    break;
                case 'n':
                    result.Append('\n');
                    break;
                case 't':
                    result.Append('\t');
                    break;
                case 'r':
                    result.Append('\r');
                    break;
                case 'x' when i + 2 < body.Length && byte.TryParse(body.Slice(i + 1, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var b):
                    result.Append((char)b);
                    i += 2;
                    break;
                case 'u' when i + 4 < body.Length && ushort.TryParse(body.Slice(i + 1, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var u):
                    result.Append((char)u);
                    i += 4;
                    break;
                default:
                    return null;
            }
        }

        return result.ToString();
    }
}
