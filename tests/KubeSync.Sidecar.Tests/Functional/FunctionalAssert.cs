using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Checks on running members through the CLI verbs.</summary>
internal static class FunctionalAssert
{
    /// <summary>Waits until <c>kubesync dirty</c> exits 2 on <paramref name="member"/>: it owes no peer anything.</summary>
    public static Task NothingOwedAsync(MemberGroup group, string member) =>
        CliUntilAsync(group, member, ["dirty"], r => r.ExitCode == 2, "kubesync dirty to exit 2");

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
