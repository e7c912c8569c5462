using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A member that was down while the group changed catches up by pull when it comes back.</summary>
public sealed class CatchUpTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["a", "b", "c"];

    [Fact]
    public async Task MemberDownWhileOthersChange_Restarts_CatchesUpByPull()
    {
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output });
        group.Write("a", "keep.txt", "unchanged\n");
        group.Write("a", "change.txt", "version 1\n");
        group.Write("b", "remove.txt", "to be deleted while c is down\n");
        group.Write("b", "dir/remove-too.txt", "also deleted\n");
        await group.ScanNowAsync("a");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("keep.txt", "change.txt", "remove.txt", "dir/remove-too.txt");

        // c is down from here on, not killed between a rename and its commit: files on disk whose rows a kill
        // lost come back as c's own new files, and the deletions below would meet them as conflicts (a crash
        // test's case). a and b owe nothing once c has acknowledged, which it does only after its commit.
        await FunctionalAssert.NothingOwedAsync(group, "a");
        await FunctionalAssert.NothingOwedAsync(group, "b");
        await group.KillAsync("c");
        group.Write("a", "change.txt", "version 2, written while c was down\n");
        group.Write("a", "created/new.txt", "created while c was down\n");
        File.Delete(group.PathOf("b", "remove.txt"));
        File.Delete(group.PathOf("b", "dir/remove-too.txt"));
        group.Write("b", "created-on-b.txt", "also new\n");
        await group.ScanNowAsync("a");
        await group.ScanNowAsync("b");
        await group.WaitConvergedAsync("created/new.txt", "created-on-b.txt");
        Assert.Equal("version 1\n", File.ReadAllText(group.PathOf("c", "change.txt")));

        await group.RestartAsync("c");
        await group.WaitConvergedAsync("keep.txt", "change.txt", "created/new.txt", "created-on-b.txt");

        Assert.Equal("unchanged\n", File.ReadAllText(group.PathOf("c", "keep.txt")));
        Assert.Equal("version 2, written while c was down\n", File.ReadAllText(group.PathOf("c", "change.txt")));
        Assert.Equal("created while c was down\n", File.ReadAllText(group.PathOf("c", "created/new.txt")));
        Assert.Equal("also new\n", File.ReadAllText(group.PathOf("c", "created-on-b.txt")));
        Assert.False(File.Exists(group.PathOf("c", "remove.txt")), "remove.txt, deleted while c was down, is still on c");
        Assert.False(File.Exists(group.PathOf("c", "dir/remove-too.txt")), "dir/remove-too.txt, deleted while c was down, is still on c");
        await FunctionalAssert.NothingOwedAsync(group, "c");
    }
}
