using System.Globalization;
using System.Text;

namespace KubeSync.Engine.Diffing;

/// <summary>
/// Line diffs in the unified format of <c>diff -u</c> (labels instead of timestamps), so that a conflict or a
/// pending change can be shown to a person, or fed to <c>patch</c>.
/// </summary>
public static class UnifiedDiff
{
    /// <summary>How far <see cref="LooksBinary"/> looks for a NUL byte, as git and GNU diff do.</summary>
    public const int BinaryProbeLength = 8000;

    private const string NoNewlineMarker = "\\ No newline at end of file\n";

    /// <summary>
    /// The unified diff that turns <paramref name="oldText"/> into <paramref name="newText"/>, with
    /// <paramref name="context"/> unchanged lines around each change; empty when the texts are equal. Lines end at
    /// <c>\n</c>; a last line without one is followed by the <c>\ No newline at end of file</c> marker.
    /// </summary>
    public static string Create(string oldText, string newText, string oldLabel, string newLabel, int context = 3)
    {
        ArgumentNullException.ThrowIfNull(oldText);
        ArgumentNullException.ThrowIfNull(newText);
        ArgumentOutOfRangeException.ThrowIfNegative(context);
        if (string.Equals(oldText, newText, StringComparison.Ordinal))
        {
            return "";
        }

        var oldLines = SplitLines(oldText);
        var newLines = SplitLines(newText);
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var (removed, added) = MyersDiff.Compare(Intern(oldLines, ids), Intern(newLines, ids));

        var output = new StringBuilder();
        output.Append("--- ").Append(oldLabel).Append('\n');
        output.Append("+++ ").Append(newLabel).Append('\n');
        var blocks = ChangeBlocks(removed, added);
        for (var first = 0; first < blocks.Count;)
        {
            // A hunk takes every following block whose gap of unchanged lines the two contexts would cover.
            var last = first;
            while (last + 1 < blocks.Count && blocks[last + 1].OldStart - blocks[last].OldEnd <= 2 * context)
            {
                last++;
            }

            WriteHunk(output, oldLines, newLines, removed, added, blocks[first], blocks[last], context);
            first = last + 1;
        }

        return output.ToString();
    }

    /// <summary>True when <paramref name="data"/> has a NUL byte in its first <see cref="BinaryProbeLength"/> bytes.</summary>
    public static bool LooksBinary(ReadOnlySpan<byte> data) =>
        data[..Math.Min(data.Length, BinaryProbeLength)].Contains((byte)0);

    /// <summary>The lines of <paramref name="text"/>, each with its <c>\n</c> (the last may have none).</summary>
    internal static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end + 1;
            lines.Add(text[start..end]);
            start = end;
        }

        return lines;
    }

    private static int[] Intern(List<string> lines, Dictionary<string, int> ids)
    {
        var result = new int[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (!ids.TryGetValue(lines[i], out var id))
            {
                id = ids.Count;
                ids.Add(lines[i], id);
            }

            result[i] = id;
        }

        return result;
    }

    /// <summary>The runs of removed and added lines between two unchanged lines, in order.</summary>
    private static List<ChangeBlock> ChangeBlocks(bool[] removed, bool[] added)
    {
        var blocks = new List<ChangeBlock>();
        int i = 0, j = 0;
        while (i < removed.Length || j < added.Length)
        {
            if (i < removed.Length && j < added.Length && !removed[i] && !added[j])
            {
                i++;
                j++;
                continue;
            }

            var (oldStart, newStart) = (i, j);
            while (i < removed.Length && removed[i])
            {
                i++;
            }

            while (j < added.Length && added[j])
            {
                j++;
            }

            blocks.Add(new ChangeBlock(oldStart, i, newStart, j));
        }

        return blocks;
    }

    private static void WriteHunk(
        StringBuilder output, List<string> oldLines, List<string> newLines, bool[] removed, bool[] added, ChangeBlock first, ChangeBlock last, int context)
    {
        // Unchanged lines pair up one to one, so the context before the first block and after the last is the same
        // number of lines on both sides.
        var before = Math.Min(context, first.OldStart);
        var after = Math.Min(context, oldLines.Count - last.OldEnd);
        var (oldStart, oldEnd) = (first.OldStart - before, last.OldEnd + after);
        var (newStart, newEnd) = (first.NewStart - before, last.NewEnd + after);

        output.Append("@@ -").Append(Range(oldStart, oldEnd - oldStart))
            .Append(" +").Append(Range(newStart, newEnd - newStart)).Append(" @@\n");
        int i = oldStart, j = newStart;
        while (i < oldEnd || j < newEnd)
        {
            if (i < oldEnd && removed[i])
            {
                WriteLine(output, '-', oldLines[i++]);
            }
            else if (j < newEnd && added[j])
            {
                WriteLine(output, '+', newLines[j++]);
            }
            else
            {
                WriteLine(output, ' ', oldLines[i++]);
                j++;
            }
        }
    }

    /// <summary>A hunk range as <c>diff -u</c> prints it: <c>start,count</c>, <c>start</c> alone for one line, and for no line the line before.</summary>
    private static string Range(int start, int count) => count switch
    {
        0 => string.Create(CultureInfo.InvariantCulture, $"{start},0"),
        1 => (start + 1).ToString(CultureInfo.InvariantCulture),
        _ => string.Create(CultureInfo.InvariantCulture, $"{start + 1},{count}"),
    };

    private static void WriteLine(StringBuilder output, char prefix, string line)
    {
        output.Append(prefix).Append(line);
        if (!line.EndsWith('\n'))
        {
            output.Append('\n').Append(NoNewlineMarker);
        }
    }

    private readonly record struct ChangeBlock(int OldStart, int OldEnd, int NewStart, int NewEnd);
}
