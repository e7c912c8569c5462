using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Local changes are noticed by inotify alone: no scan is triggered and the periodic rescan is ten minutes away.</summary>
public sealed class WatchTests(ITestOutputHelper output)
{
    private static readonly string[] Members = ["a", "b", "c"];

    [Fact]
    public async Task WriteAndMkdirWithImmediateFiles_OnOneMember_ArriveEverywhereWithoutAScan()
    {
        await using var group = await MemberGroup.StartAsync(Members, new MemberGroupOptions { Output = output, Rescan = "10m" });

        group.Write("a", "watched.txt", "written on a\n");
        await group.WaitConvergedAsync("watched.txt");

        Directory.CreateDirectory(group.PathOf("a", "fresh/deeper"));
        File.WriteAllText(group.PathOf("a", "fresh/one.txt"), "one\n");
        File.WriteAllText(group.PathOf("a", "fresh/deeper/two.txt"), "two\n");
        await group.WaitConvergedAsync("fresh/one.txt", "fresh/deeper/two.txt");

        foreach (var m in Members)
        {
            Assert.Equal("written on a\n", File.ReadAllText(group.PathOf(m, "watched.txt")));
            Assert.Equal("one\n", File.ReadAllText(group.PathOf(m, "fresh/one.txt")));
            Assert.Equal("two\n", File.ReadAllText(group.PathOf(m, "fresh/deeper/two.txt")));
        }
    }
}
