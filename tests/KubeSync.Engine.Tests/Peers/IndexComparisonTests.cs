using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Tests.Peers;

/// <summary>The L/R/X rules of <c>kubesync compare</c>.</summary>
public sealed class IndexComparisonTests
{
    private static readonly SyncRules Rules = SyncRules.FromConfig(["/"], ["*.tmp"], null, null);

    [Theory]
    [InlineData("a:1", "x", "a:1", "x", null)] // the same version
    [InlineData("a:2", "x", "a:1", "y", 'L')] // newer here
    [InlineData("a:1", "x", "a:1,b:1", "y", 'R')] // newer there
    [InlineData("a:2", "x", "a:1,b:1", "y", 'X')] // both changed, different content
    [InlineData("a:2", "x", "a:1,b:1", "x", null)] // both changed to the same content: merged silently
    [InlineData("a:1", "x", null, null, 'L')] // only here
    [InlineData(null, null, "b:1", "x", 'R')] // only there
    public void Compare_OneFile_Classified(string? localVersion, string? localContent, string? remoteVersion, string? remoteContent, char? mark)
    {
        var local = localVersion is null ? [] : new[] { Row("f.txt", localVersion, localContent!) };
        var remote = remoteVersion is null ? [] : new[] { WireEntry.FromRecord(Row("f.txt", remoteVersion, remoteContent!)) };

        var differences = IndexComparison.Compare(local, remote, Rules, new HashSet<string>());

        Assert.Equal(mark is null ? [] : [$"{mark} f.txt"], differences.Select(d => $"{d.Mark} {d.Path.Value}"));
    }

    [Fact]
    public void Compare_DeletedHereNewerThanThere_IsLocal_DeletedOnBoth_IsTheSame()
    {
        var local = new[] { Row("gone.txt", "a:2", "x") with { Deleted = true, Hash = null }, Row("both-gone.txt", "a:2", "x") with { Deleted = true, Hash = null } };
        var remote = new[] { WireEntry.FromRecord(Row("gone.txt", "a:1", "x")), WireEntry.FromRecord(Row("both-gone.txt", "a:1,b:1", "x") with { Deleted = true, Hash = null }) };

        var differences = IndexComparison.Compare(local, remote, Rules, new HashSet<string>());

        Assert.Equal(["L gone.txt"], differences.Select(d => $"{d.Mark} {d.Path.Value}"));
    }

    [Fact]
    public void Compare_ExcludedPathAndRecordedConflict_ExcludedIgnoredConflictIsX()
    {
        var local = new[] { Row("scratch.tmp", "a:1", "x"), Row("c.txt", "a:1", "x") };
        var remote = new[] { WireEntry.FromRecord(Row("c.txt", "a:1", "x")) };

        var differences = IndexComparison.Compare(local, remote, Rules, new HashSet<string> { "c.txt" });

        Assert.Equal(["X c.txt"], differences.Select(d => $"{d.Mark} {d.Path.Value}"));
    }

    private static FileRecord Row(string path, string version, string content) =>
        new(SyncPath.Parse(path), EntryType.File, content.Length, 1_000, 0x1A4, 0, 0, 1, null,
            System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)), VersionVector.Parse(version), 1, false, false);
}
