using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>
/// A path that changes type on one member: the newer version wins the path on the others (a file gives way to a
/// directory; a directory gives way to a file once its synced content is removed), unless the directory holds a
/// change the replacing member never saw, which is a conflict.
/// </summary>
public sealed class TypeChangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TypeChange_FileBecomesDirectoryAndDirectoryBecomesFile_ReplacedOnThePeer()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("a", "x", "x is a file for now\n");
        group.Write("a", "y/1.txt", "one\n");
        group.Write("a", "y/2.txt", "two\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("x", "y/1.txt", "y/2.txt");
        await FunctionalAssert.NothingOwedAsync(group, "a");

        File.Delete(group.PathOf("a", "x"));
        group.Write("a", "x/inner.txt", "x is a directory now\n");
        Directory.Delete(group.PathOf("a", "y"), recursive: true);
        group.Write("a", "y", "y is a file now\n");
        await group.ScanNowAsync("a");

        await group.WaitConvergedAsync(TimeSpan.FromSeconds(45), "x/inner.txt", "y");
        Assert.Equal("x is a directory now\n", File.ReadAllText(group.PathOf("b", "x/inner.txt")));
        Assert.Equal("y is a file now\n", File.ReadAllText(group.PathOf("b", "y")));
        await FunctionalAssert.NothingOwedAsync(group, "a");
        await FunctionalAssert.NothingOwedAsync(group, "b");
        Assert.Equal(2, (await group.CliAsync("b", "conflicts")).ExitCode);
    }

    [Fact]
    public async Task TypeChange_DirectoryHoldsAChangeTheReplacingMemberNeverSaw_ConflictOnBothAndNothingLost()
    {
        await using var group = await MemberGroup.StartAsync(["a", "b"], new MemberGroupOptions { Output = output });
        group.Write("a", "z/1.txt", "one\n");
        await group.ScanNowAsync("a");
        await group.WaitConvergedAsync("z/1.txt");
        await FunctionalAssert.NothingOwedAsync(group, "a");
        await FunctionalAssert.NothingOwedAsync(group, "b");

        // b changes z/1.txt while it is down; meanwhile a replaces the directory z by a file.
        await group.KillAsync("b");
        group.Write("b", "z/1.txt", "one, changed on b\n");
        Assert.Equal(0, (await group.CliAsync("b", "check")).ExitCode);
        Directory.Delete(group.PathOf("a", "z"), recursive: true);
        group.Write("a", "z", "z is a file on a\n");
        await group.ScanNowAsync("a");
        await group.RestartAsync("b");

        var conflicts = await FunctionalAssert.CliUntilAsync(group, "b", ["conflicts"], r => r.ExitCode == 0 && r.Stdout.Split('\n').Any(l => l.EndsWith("\tz", StringComparison.Ordinal)), "b to list z as a conflict");
        await FunctionalAssert.CliUntilAsync(group, "a", ["conflicts"], r => r.ExitCode == 0 && r.Stdout.Split('\n').Any(l => l.EndsWith("\tz", StringComparison.Ordinal)), "a to list z as a conflict too");
        Assert.True(Directory.Exists(group.PathOf("b", "z")), $"b's directory z was replaced\n{conflicts}");
        Assert.Equal("one, changed on b\n", File.ReadAllText(group.PathOf("b", "z/1.txt")));
        Assert.Equal("z is a file on a\n", File.ReadAllText(group.PathOf("a", "z")));
    }
}
