using System.Diagnostics;
using System.Text;

using KubeSync.Engine.Diffing;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Diffing;

public sealed class UnifiedDiffTests
{
    private const string Header = "--- a\n+++ b\n";

    [Fact]
    public void Create_IdenticalTexts_ReturnsEmpty()
    {
        Assert.Equal("", UnifiedDiff.Create("a\nb\n", "a\nb\n", "a", "b"));
        Assert.Equal("", UnifiedDiff.Create("", "", "a", "b"));
    }

    [Theory]
    [InlineData("a\nb\nc\n", "x\na\nb\nc\n", "@@ -1,3 +1,4 @@\n+x\n a\n b\n c\n")]
    [InlineData("x\na\nb\nc\n", "a\nb\nc\n", "@@ -1,4 +1,3 @@\n-x\n a\n b\n c\n")]
    [InlineData("x\na\nb\nc\n", "y\na\nb\nc\n", "@@ -1,4 +1,4 @@\n-x\n+y\n a\n b\n c\n")]
    [InlineData("a\nb\nc\n", "a\nb\nc\nx\n", "@@ -1,3 +1,4 @@\n a\n b\n c\n+x\n")]
    [InlineData("a\nb\nc\nx\n", "a\nb\nc\n", "@@ -1,4 +1,3 @@\n a\n b\n c\n-x\n")]
    [InlineData("a\nb\nc\nx\n", "a\nb\nc\ny\n", "@@ -1,4 +1,4 @@\n a\n b\n c\n-x\n+y\n")]
    public void Create_ChangeAtStartOrEnd_HunkCoversItAndItsContext(string oldText, string newText, string hunks)
    {
        Assert.Equal(Header + hunks, UnifiedDiff.Create(oldText, newText, "a", "b"));
    }

    [Fact]
    public void Create_ChangesInTheMiddle_ThreeLinesOfContextEachSide()
    {
        var old = Numbered(1, 9);
        Assert.Equal(
            Header + "@@ -2,6 +2,7 @@\n 2\n 3\n 4\n+4.5\n 5\n 6\n 7\n",
            UnifiedDiff.Create(old, old.Replace("4\n", "4\n4.5\n", StringComparison.Ordinal), "a", "b"));
        Assert.Equal(
            Header + "@@ -2,7 +2,6 @@\n 2\n 3\n 4\n-5\n 6\n 7\n 8\n",
            UnifiedDiff.Create(old, old.Replace("5\n", "", StringComparison.Ordinal), "a", "b"));
        Assert.Equal(
            Header + "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
            UnifiedDiff.Create(old, old.Replace("5\n", "five\n", StringComparison.Ordinal), "a", "b"));
    }

    [Fact]
    public void Create_EmptySides_UseTheZeroLengthRange()
    {
        Assert.Equal("--- /dev/null\n+++ b/new.conf\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create("", "a\nb\n", "/dev/null", "b/new.conf"));
        Assert.Equal(Header + "@@ -1 +0,0 @@\n-a\n", UnifiedDiff.Create("a\n", "", "a", "b"));
        Assert.Equal(Header + "@@ -0,0 +1 @@\n+a\n\\ No newline at end of file\n", UnifiedDiff.Create("", "a", "a", "b"));
    }

    [Fact]
    public void Create_PureInsertionWithoutContext_NamesTheLineBefore()
    {
        Assert.Equal(Header + "@@ -2,0 +3,2 @@\n+x\n+y\n", UnifiedDiff.Create("a\nb\nc\n", "a\nb\nx\ny\nc\n", "a", "b", context: 0));
        Assert.Equal(Header + "@@ -3 +2,0 @@\n-c\n", UnifiedDiff.Create("a\nb\nc\nd\n", "a\nb\nd\n", "a", "b", context: 0));
    }

    [Theory]
    [InlineData("a\nb", "a\nb\n", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+b\n")]
    [InlineData("a\nb\n", "a\nb", "@@ -1,2 +1,2 @@\n a\n-b\n+b\n\\ No newline at end of file\n")]
    [InlineData("a\nb", "a\nc", "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n")]
    [InlineData("a\nb", "x\na\nb", "@@ -1,2 +1,3 @@\n+x\n a\n b\n\\ No newline at end of file\n")]
    public void Create_NoFinalNewline_MarkedAfterThatLine(string oldText, string newText, string hunks)
    {
        Assert.Equal(Header + hunks, UnifiedDiff.Create(oldText, newText, "a", "b"));
    }

    [Fact]
    public void Create_ChangesWhoseContextsOverlap_ShareOneHunk()
    {
        var old = Numbered(1, 20);
        // Lines 6..10 lie between the changes: 5 ≤ 2 × 3, so one hunk.
        var diff = UnifiedDiff.Create(old, old.Replace("\n5\n", "\nfive\n", StringComparison.Ordinal).Replace("\n11\n", "\neleven\n", StringComparison.Ordinal), "a", "b");
        Assert.Equal(
            Header + "@@ -2,13 +2,13 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n 9\n 10\n-11\n+eleven\n 12\n 13\n 14\n",
            diff);
    }

    [Fact]
    public void Create_ChangesFartherApartThanTwoContexts_SplitIntoHunks()
    {
        var old = Numbered(1, 20);
        // Lines 6..12 lie between the changes: 7 > 2 × 3, so two hunks.
        var diff = UnifiedDiff.Create(old, old.Replace("\n5\n", "\nfive\n", StringComparison.Ordinal).Replace("\n13\n", "\n", StringComparison.Ordinal), "a", "b");
        Assert.Equal(
            Header + "@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n@@ -10,7 +10,6 @@\n 10\n 11\n 12\n-13\n 14\n 15\n 16\n",
            diff);
        Assert.Equal(1, CountHunks(UnifiedDiff.Create(old, old.Replace("\n5\n", "\nfive\n", StringComparison.Ordinal).Replace("\n13\n", "\n", StringComparison.Ordinal), "a", "b", context: 4)));
    }

    [Fact]
    public void Create_RandomLineLists_PatchTurnsOldIntoNew()
    {
        var random = new Random(1234);
        string[] alphabet = ["a\n", "b\n", "c\n", "d\n", "{\n", "}\n", "\n"];
        var hunks = 0;
        for (var round = 0; round < 2000; round++)
        {
            var old = RandomText(random, alphabet);
            var @new = random.Next(3) == 0 ? Mutate(random, old, alphabet) : RandomText(random, alphabet);
            var context = random.Next(5);
            var diff = UnifiedDiff.Create(old, @new, "a", "b", context);

            Assert.Equal(old == @new, diff.Length == 0);
            Assert.True(@new == UnifiedPatch.Apply(old, diff), $"round {round}, context {context}:\n{diff}");
            hunks += CountHunks(diff);
        }

        Assert.True(hunks > 2000, "the generator should produce differences");
    }

    [Fact]
    public void Create_RandomLineLists_RemovesAndAddsNoMoreThanAnLcsAllows()
    {
        var random = new Random(99);
        string[] alphabet = ["a\n", "b\n", "c\n"];
        for (var round = 0; round < 300; round++)
        {
            var old = RandomText(random, alphabet);
            var @new = RandomText(random, alphabet);
            var diff = UnifiedDiff.Create(old, @new, "a", "b", context: 0);
            var edits = diff.Split('\n').Skip(2).Count(l => l.StartsWith('-') || l.StartsWith('+'));
            var (a, b) = (UnifiedPatch.SplitLines(old), UnifiedPatch.SplitLines(@new));
            Assert.Equal(a.Count + b.Count - (2 * LcsLength(a, b)), edits);
        }
    }

    [Fact]
    public void Create_TenThousandLinesWithScatteredEdits_RoundTrips()
    {
        var random = new Random(5);
        var old = new StringBuilder();
        for (var i = 0; i < 10_000; i++)
        {
            old.Append("line ").Append(random.Next(2_000)).Append('\n');
        }

        var oldText = old.ToString();
        var lines = UnifiedPatch.SplitLines(oldText);
        for (var i = 0; i < 200; i++)
        {
            var at = random.Next(lines.Count);
            switch (random.Next(3))
            {
                case 0: lines.RemoveAt(at); break;
                case 1: lines.Insert(at, $"new {i}\n"); break;
                default: lines[at] = $"changed {i}\n"; break;
            }
        }

        var newText = string.Concat(lines);
        var diff = UnifiedDiff.Create(oldText, newText, "a", "b");
        Assert.Equal(newText, UnifiedPatch.Apply(oldText, diff));

        var unrelated = string.Concat(Enumerable.Range(0, 10_000).Select(i => $"other {i}\n"));
        Assert.Equal(unrelated, UnifiedPatch.Apply(oldText, UnifiedDiff.Create(oldText, unrelated, "a", "b")));
    }

    [SkippableTheoryIfNoGnuDiff]
    [InlineData("a\nb\nc\n", "a\nB\nc\n")]
    [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n17\n18\n19\n20\n", "1\n2\nthree\n4\n5\n6\n7\n8\n9\n10\n11\n12\n13\n14\n15\n16\n18\n19\n20\n")]
    [InlineData("", "new\nfile\n")]
    [InlineData("gone\n", "")]
    [InlineData("a\nb", "a\nb\n")]
    [InlineData("x\ny\nz", "w\nx\ny\nzz")]
    [InlineData("1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n", "0\n1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n11\n")]
    public void Create_SameInputs_MatchesGnuDiffBelowTheHeader(string oldText, string newText)
    {
        using var dir = new TempDirectory();
        File.WriteAllText(dir.Combine("old"), oldText);
        File.WriteAllText(dir.Combine("new"), newText);
        var info = new ProcessStartInfo(SkippableTheoryIfNoGnuDiffAttribute.DiffPath) { RedirectStandardOutput = true, UseShellExecute = false };
        info.ArgumentList.Add("-u");
        info.ArgumentList.Add(dir.Combine("old"));
        info.ArgumentList.Add(dir.Combine("new"));
        using var process = Process.Start(info)!;
        var expected = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(30_000), "diff did not finish");
        Assert.Equal(1, process.ExitCode);

        var ours = UnifiedDiff.Create(oldText, newText, "old", "new");
        Assert.Equal(BelowHeader(expected), BelowHeader(ours));
    }

    [Fact]
    public void LooksBinary_NulInTheProbedPrefix_OnlyThen()
    {
        Assert.False(UnifiedDiff.LooksBinary([]));
        Assert.False(UnifiedDiff.LooksBinary("plain text\n"u8));
        Assert.True(UnifiedDiff.LooksBinary([0x89, 0x50, 0x00, 0x47]));

        var late = new byte[UnifiedDiff.BinaryProbeLength + 10];
        late.AsSpan().Fill((byte)'x');
        late[UnifiedDiff.BinaryProbeLength] = 0;
        Assert.False(UnifiedDiff.LooksBinary(late));
        late[UnifiedDiff.BinaryProbeLength - 1] = 0;
        Assert.True(UnifiedDiff.LooksBinary(late));
    }

    private static string Numbered(int from, int to) => string.Concat(Enumerable.Range(from, to - from + 1).Select(i => $"{i}\n"));

    private static int CountHunks(string diff) => diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal));

    private static string BelowHeader(string diff) => string.Join('\n', diff.Split('\n').Skip(2));

    private static string RandomText(Random random, string[] alphabet)
    {
        var text = string.Concat(Enumerable.Range(0, random.Next(12)).Select(_ => alphabet[random.Next(alphabet.Length)]));
        return text.Length > 0 && random.Next(4) == 0 ? text[..^1] : text;
    }

    private static string Mutate(Random random, string text, string[] alphabet)
    {
        var lines = UnifiedPatch.SplitLines(text);
        for (var edits = random.Next(1, 4); edits > 0; edits--)
        {
            var at = random.Next(lines.Count + 1);
            if (at < lines.Count && random.Next(2) == 0)
            {
                lines.RemoveAt(at);
            }
            else
            {
                lines.Insert(at, alphabet[random.Next(alphabet.Length)]);
            }
        }

        var result = string.Concat(lines);
        return result.Length > 0 && random.Next(5) == 0 ? result[..^1] : result;
    }

    private static int LcsLength(List<string> a, List<string> b)
    {
        var table = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                table[i, j] = a[i] == b[j] ? table[i + 1, j + 1] + 1 : Math.Max(table[i + 1, j], table[i, j + 1]);
            }
        }

        return table[0, 0];
    }
}
