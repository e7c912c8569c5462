using System.Security.Cryptography;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

namespace KubeSync.Engine.Tests.Applying;

public class ConflictResolverTests
{
    private static EntrySide Side(string node, string version, string? content, long mtime = 100, bool deleted = false) =>
        new(node, VersionVector.Parse(version), EntryType.File, deleted, content is null ? null : SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(content)),
            content?.Length ?? 0, mtime, null);

    [Theory]
    [InlineData("a:1", "a:1", SyncDecision.InSync)]
    [InlineData("a:1", "a:2", SyncDecision.TakeRemote)]
    [InlineData("a:2", "a:1", SyncDecision.KeepLocal)]
    [InlineData("a:2,b:1", "a:1,b:2", SyncDecision.Conflict)]
    public void Decide_VersionOrders_GiveDecision(string local, string remote, SyncDecision expected)
    {
        Assert.Equal(expected, VersionDecider.Decide(Side("a", local, "mine"), Side("b", remote, "theirs")));
    }

    [Fact]
    public void Decide_ConcurrentButIdenticalContent_MergesWithoutConflict()
    {
        Assert.Equal(SyncDecision.MergeIdentical, VersionDecider.Decide(Side("a", "a:1", "same"), Side("b", "b:1", "same")));
        Assert.Equal(SyncDecision.MergeIdentical, VersionDecider.Decide(Side("a", "a:1", null, deleted: true), Side("b", "b:1", null, deleted: true)));
        Assert.Equal(SyncDecision.Conflict, VersionDecider.Decide(Side("a", "a:1", "same"), Side("b", "b:1", null, deleted: true)));
        Assert.Equal(SyncDecision.TakeRemote, VersionDecider.Decide(null, Side("b", "b:1", "new")));
    }

    [Fact]
    public void Resolved_Version_DominatesBothSides()
    {
        var a = VersionVector.Parse("a:3,b:1");
        var b = VersionVector.Parse("a:1,b:4");
        var r = VersionDecider.Resolved(a, b);
        Assert.Equal(VersionOrder.Dominates, r.Compare(a));
        Assert.Equal(VersionOrder.Dominates, r.Compare(b));

        // Members that settle the same conflict independently, from either side, record the same version.
        Assert.Equal(VersionOrder.Equal, VersionDecider.Resolved(b, a).Compare(r));
    }

    [Theory]
    [InlineData(ConflictPolicy.Younger, "web-1")]
    [InlineData(ConflictPolicy.Older, "web-0")]
    [InlineData(ConflictPolicy.First, "web-0")]
    [InlineData(ConflictPolicy.Bigger, "web-0")]
    [InlineData(ConflictPolicy.Smaller, "web-1")]
    [InlineData(ConflictPolicy.Left, "web-0")]
    [InlineData(ConflictPolicy.Right, "web-1")]
    [InlineData(ConflictPolicy.KeepBoth, "web-1")]
    public void Resolve_EachPolicy_PicksTheDocumentedWinner(ConflictPolicy policy, string winner)
    {
        var older = Side("web-0", "web-0:1", "a longer and older text", mtime: 100);
        var younger = Side("web-1", "web-1:1", "short", mtime: 200);

        var outcome = ConflictResolver.Resolve(policy, older, younger);

        Assert.Equal(winner, outcome.Winner!.Node);
        Assert.Equal(policy == ConflictPolicy.KeepBoth, outcome.KeepLoserCopy);
    }

    [Fact]
    public void Resolve_None_LeavesItUnresolved()
    {
        Assert.False(ConflictResolver.Resolve(ConflictPolicy.None, Side("a", "a:1", "x"), Side("b", "b:1", "y")).IsResolved);
    }

    [Theory]
    [InlineData(ConflictPolicy.Younger)]
    [InlineData(ConflictPolicy.Older)]
    [InlineData(ConflictPolicy.Bigger)]
    [InlineData(ConflictPolicy.Smaller)]
    [InlineData(ConflictPolicy.KeepBoth)]
    public void Resolve_ModificationAgainstDeletion_ModificationWins(ConflictPolicy policy)
    {
        var deletion = Side("web-9", "web-9:2", null, mtime: 999_999, deleted: true);
        var change = Side("web-0", "web-0:2", "kept", mtime: 1);
        Assert.Equal("web-0", ConflictResolver.Resolve(policy, deletion, change).Winner!.Node);
        Assert.Equal("web-0", ConflictResolver.Resolve(policy, change, deletion).Winner!.Node);
        Assert.False(ConflictResolver.Resolve(policy, change, deletion).KeepLoserCopy);
    }

    [Fact]
    public void Resolve_Ties_FallBackToNodeOrder()
    {
        var a = Side("web-0", "web-0:1", "aaaa", mtime: 5);
        var b = Side("web-1", "web-1:1", "bbbb", mtime: 5);
        Assert.Equal("web-1", ConflictResolver.Resolve(ConflictPolicy.Younger, a, b).Winner!.Node);
        Assert.Equal("web-1", ConflictResolver.Resolve(ConflictPolicy.Bigger, b, a).Winner!.Node);
    }

    /// <summary>Property: every member picks the same winner whichever side it holds.</summary>
    [Fact]
    public void Resolve_RandomSides_SameWinnerFromBothMembers()
    {
        var random = new Random(3);
        foreach (var policy in Enum.GetValues<ConflictPolicy>())
        {
            for (var i = 0; i < 2000; i++)
            {
                var a = Side("n" + random.Next(5), "x:1", random.Next(4) == 0 ? null : new string('a', random.Next(5)), random.Next(3), random.Next(4) == 0);
                var b = Side("m" + random.Next(5), "y:1", random.Next(4) == 0 ? null : new string('b', random.Next(5)), random.Next(3), random.Next(4) == 0);
                var fromA = ConflictResolver.Resolve(policy, a, b);
                var fromB = ConflictResolver.Resolve(policy, b, a);
                Assert.Equal(fromA.Winner?.Node, fromB.Winner?.Node);
                Assert.Equal(fromA.KeepLoserCopy, fromB.KeepLoserCopy);
            }
        }
    }

    [Theory]
    [InlineData("conf/nginx.conf", "conf/nginx.sync-conflict-20261121-093000-web-1.conf")]
    [InlineData("README", "README.sync-conflict-20261121-093000-web-1")]
    [InlineData(".env", ".env.sync-conflict-20261121-093000-web-1")]
    [InlineData("a/archive.tar.gz", "a/archive.tar.sync-conflict-20261121-093000-web-1.gz")]
    public void ConflictCopyName_Names_KeepTheExtensionLast(string path, string expected)
    {
        var when = new DateTimeOffset(2026, 11, 21, 9, 30, 0, TimeSpan.Zero);
        Assert.Equal(expected, ConflictCopyName.For(SyncPath.Parse(path), when, "web-1").Value);
    }

    [Fact]
    public void ConflictCopyName_LongName_StaysAValidPath()
    {
        var copy = ConflictCopyName.For(SyncPath.Parse(new string('x', 250) + ".txt"), DateTimeOffset.UnixEpoch, "web-1");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(copy.Name) <= SyncPath.MaxSegmentBytes);
        Assert.EndsWith(".sync-conflict-19700101-000000-web-1.txt", copy.Name);
    }
}
