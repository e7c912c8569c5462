using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace KubeSync.Engine.Tests.Diffing;

/// <summary>
/// A strict applier of unified diffs, written for the tests: every context and removed line must match the old text
/// exactly, and every hunk header's counts must match its body.
/// </summary>
internal static partial class UnifiedPatch
{
    public static string Apply(string oldText, string diff)
    {
        if (diff.Length == 0)
        {
            return oldText;
        }

        var old = SplitLines(oldText);
        var raw = diff.Split('\n');
        Assert.Equal("", raw[^1]);
        Assert.StartsWith("--- ", raw[0]);
        Assert.StartsWith("+++ ", raw[1]);

        var result = new StringBuilder();
        var copied = 0;
        var row = 2;
        var hunks = 0;
        while (row < raw.Length - 1)
        {
            var header = HunkHeader().Match(raw[row++]);
            Assert.True(header.Success, $"expected a hunk header at line {row}: {raw[row - 1]}");
            var (oldStart, oldCount) = ParseRange(header.Groups[1].Value, header.Groups[2].Value);
            var (newStart, newCount) = ParseRange(header.Groups[3].Value, header.Groups[4].Value);
            Assert.True(oldStart >= copied, $"hunk {hunks} starts at old line {oldStart} before the end of the last hunk");
            Assert.True(newStart - CountLines(result) == oldStart - copied, $"hunk {hunks}: the unchanged lines before it differ in number on the two sides");
            while (copied < oldStart)
            {
                result.Append(old[copied++]);
            }

            int oldSeen = 0, newSeen = 0;
            while (row < raw.Length - 1 && !raw[row].StartsWith("@@", StringComparison.Ordinal))
            {
                var kind = raw[row][0];
                var text = raw[row][1..] + "\n";
                row++;
                if (row < raw.Length - 1 && raw[row].StartsWith('\\'))
                {
                    Assert.Equal("\\ No newline at end of file", raw[row]);
                    text = text[..^1];
                    row++;
                }

                switch (kind)
                {
                    case ' ':
                        Assert.Equal(old[copied++], text);
                        result.Append(text);
                        oldSeen++;
                        newSeen++;
                        break;
                    case '-':
                        Assert.Equal(old[copied++], text);
                        oldSeen++;
                        break;
                    case '+':
                        result.Append(text);
                        newSeen++;
                        break;
                    default:
                        Assert.Fail($"unexpected hunk line {raw[row - 1]}");
                        break;
                }
            }

            Assert.Equal(oldCount, oldSeen);
            Assert.Equal(newCount, newSeen);
            hunks++;
        }

        Assert.True(hunks > 0, "a non-empty diff has at least one hunk");
        while (copied < old.Count)
        {
            result.Append(old[copied++]);
        }

        return result.ToString();
    }

    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        for (var start = 0; start < text.Length;)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    /// <summary>0-based first line and count; a range of no lines names the line before it.</summary>
    private static (int Start, int Count) ParseRange(string start, string count)
    {
        var first = int.Parse(start, CultureInfo.InvariantCulture);
        var n = count.Length == 0 ? 1 : int.Parse(count, CultureInfo.InvariantCulture);
        return (n == 0 ? first : first - 1, n);
    }

    private static int CountLines(StringBuilder text) => SplitLines(text.ToString()).Count;

    [GeneratedRegex(@"^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@$")]
    private static partial Regex HunkHeader();
}
