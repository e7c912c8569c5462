using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Checks on running members through the CLI verbs.</summary>
internal static class FunctionalAssert
{
    /// <summary>Waits until <c>kubesync dirty</c> exits 2 on <paramref name="member"/>: it owes no peer anything.</summary>
    public static Task NothingOwedAsync(MemberGroup group, string member) =>
        CliUntilAsync(group, member, ["dirty"], r => r.ExitCode == 2, "kubesync dirty to exit 2");

    /// <summary>The row <c>kubesync files --json</c> on <paramref name="member"/> prints for <paramref name="path"/>, or null.</summary>
    public static async Task<System.Text.Json.JsonElement?> FileRowAsync(MemberGroup group, string member, string path)
    {
        var files = await group.CliAsync(member, "files", "--json");
        Assert.True(files.ExitCode == 0, files.ToString());
        foreach (var row in System.Text.Json.JsonDocument.Parse(files.Stdout).RootElement.EnumerateArray())
        {
            if (row.GetProperty("path").GetString() == path)
            {
                return row;
            }
        }

        return null;
    }

    /// <summary>Runs a verb on <paramref name="member"/> until its result satisfies <paramref name="condition"/>; returns that result.</summary>
    public static async Task<KubeSyncProcess.Result> CliUntilAsync(MemberGroup group, string member, string[] args, Func<KubeSyncProcess.Result, bool> condition, string what)
    {
        KubeSyncProcess.Result? last = null;
        await Eventually.TrueAsync(
            async () =>
            {
                last = await group.CliAsync(member, args);
                return condition(last);
            },
            () => $"{what} on {member} (last run: {last})\n{group.DescribeLogs()}",
            TimeSpan.FromSeconds(20));
        return last!;
    }
}
