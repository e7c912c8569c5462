using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>A new, empty member fills from the group and takes nothing away from it.</summary>
public sealed class JoinTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["a", "b", "c"];

    [Fact]
    public async Task EmptyMember_JoinsGroupWithFilesAndTombstone_FillsWithoutDeletingAnything()
    {
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output });
        foreach (var m in Members)
        {
            group.Write(m, $"{m}/data.txt", $"data of {m}\n");
            group.Write(m, $"top-{m}.txt", $"top of {m}\n");
            await group.ScanNowAsync(m);
        }

        group.Write("a", "doomed.txt", "deleted before d joins\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("doomed.txt", "a/data.txt", "b/data.txt", "c/data.txt");
        File.Delete(group.PathOf("b", "doomed.txt"));
        await group.ScanNowAsync("b");
        await Eventually.TrueAsync(() => Members.All(m => !File.Exists(group.PathOf(m, "doomed.txt"))), "the deletion of doomed.txt on every member");
        var before = group.Tree("a");

        // d lists a, b and c as static peers; their configs do not name d: they learn it from its connections.
        await group.AddMemberAsync("d");
        await group.WaitConvergedAsync([.. Members.SelectMany(m => new[] { $"{m}/data.txt", $"top-{m}.txt" })]);

        Assert.Equal(before, group.Tree("d"));
        foreach (var reader in Members.Append("d"))
        {
            Assert.False(File.Exists(group.PathOf(reader, "doomed.txt")), $"the deleted doomed.txt came back on {reader}");
            foreach (var writer in Members)
            {
                Assert.Equal($"data of {writer}\n", File.ReadAllText(group.PathOf(reader, $"{writer}/data.txt")));
                Assert.Equal($"top of {writer}\n", File.ReadAllText(group.PathOf(reader, $"top-{writer}.txt")));
            }
        }

        // The others know d now: a change on a reaches d, and one on d reaches the rest.
        group.Write("a", "after-join-a.txt", "from a to d\n");
        group.Write("d", "after-join-d.txt", "from d to all\n");
        await group.ScanNowAsync("a");
        await group.ScanNowAsync("d");
        await group.WaitConvergedAsync("after-join-a.txt", "after-join-d.txt");
    }
}
