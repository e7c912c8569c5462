using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Three running members end with the same tree whatever each of them writes, renames and deletes.</summary>
public sealed class ConvergenceTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["a", "b", "c"];

    [Fact]
    public async Task WritesRenamesDeletesAndNewDirectories_OnEachMember_Converge()
    {
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output });

        foreach (var m in Members)
        {
            group.Write(m, $"notes-{m}.txt", $"first notes from {m}\n");
            group.Write(m, $"old-{m}.txt", $"to be renamed on {m}\n");
            group.Write(m, $"gone-{m}.txt", $"to be deleted on {m}\n");
            group.Write(m, $"docs/{m}.md", $"# {m}\n");
            await group.ScanNowAsync(m);
        }

        await group.WaitConvergedAsync([.. Members.SelectMany(m => new[] { $"notes-{m}.txt", $"old-{m}.txt", $"gone-{m}.txt", $"docs/{m}.md" })]);

        foreach (var m in Members)
        {
            group.Write(m, $"notes-{m}.txt", $"second notes from {m}, longer than the first\n");
            File.Move(group.PathOf(m, $"old-{m}.txt"), group.PathOf(m, $"renamed-{m}.txt"));
            File.Delete(group.PathOf(m, $"gone-{m}.txt"));
            group.Write(m, $"new-{m}/one.txt", $"one from {m}\n");
            group.Write(m, $"new-{m}/deeper/two.txt", $"two from {m}\n");
            await group.ScanNowAsync(m);
        }

        await group.WaitConvergedAsync([.. Members.SelectMany(m => new[] { $"renamed-{m}.txt", $"new-{m}/one.txt", $"new-{m}/deeper/two.txt" })]);

        foreach (var reader in Members)
        {
            foreach (var writer in Members)
            {
                Assert.Equal($"second notes from {writer}, longer than the first\n", File.ReadAllText(group.PathOf(reader, $"notes-{writer}.txt")));
                Assert.Equal($"to be renamed on {writer}\n", File.ReadAllText(group.PathOf(reader, $"renamed-{writer}.txt")));
                Assert.False(File.Exists(group.PathOf(reader, $"old-{writer}.txt")), $"old-{writer}.txt is still on {reader}");
                Assert.False(File.Exists(group.PathOf(reader, $"gone-{writer}.txt")), $"gone-{writer}.txt is still on {reader}");
                Assert.Equal($"one from {writer}\n", File.ReadAllText(group.PathOf(reader, $"new-{writer}/one.txt")));
                Assert.Equal($"two from {writer}\n", File.ReadAllText(group.PathOf(reader, $"new-{writer}/deeper/two.txt")));
                Assert.Equal($"# {writer}\n", File.ReadAllText(group.PathOf(reader, $"docs/{writer}.md")));
            }
        }

        foreach (var m in Members)
        {
            await FunctionalAssert.NothingOwedAsync(group, m);
        }
    }
}
