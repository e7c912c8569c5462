using System.Diagnostics;

using KubeSync.Testing;

using Xunit.Abstractions;

namespace KubeSync.Sidecar.Tests.Functional;

/// <summary>Two members on two hosts, as far as the network goes: separate network namespaces joined by a veth pair.</summary>
public sealed class NetworkNamespaceTests(ITestOutputHelper output)
{
    [SkippableFactIfNoNetworkNamespaces]
    public async Task MembersInSeparateNetworkNamespaces_OverVethPair_Converge()
    {
        var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
        string nsA = $"ks-{id}-a", nsB = $"ks-{id}-b", vethA = $"ks{id}a", vethB = $"ks{id}b";
        try
        {
            await IpAsync("netns", "add", nsA);
            await IpAsync("netns", "add", nsB);
            await IpAsync("link", "add", vethA, "type", "veth", "peer", "name", vethB);
            await IpAsync("link", "set", vethA, "netns", nsA);
            await IpAsync("link", "set", vethB, "netns", nsB);
            foreach (var (ns, veth, address) in new[] { (nsA, vethA, "10.77.0.1/24"), (nsB, vethB, "10.77.0.2/24") })
            {
                await IpAsync("-n", ns, "addr", "add", address, "dev", veth);
                await IpAsync("-n", ns, "link", "set", veth, "up");
                await IpAsync("-n", ns, "link", "set", "lo", "up");
            }

            var options = new MemberGroupOptions
            {
                Output = output,
                Members = new Dictionary<string, MemberOptions>
                {
                    ["a"] = new() { Address = "10.77.0.1", Port = 30865, Prefix = ["ip", "netns", "exec", nsA] },
                    ["b"] = new() { Address = "10.77.0.2", Port = 30865, Prefix = ["ip", "netns", "exec", nsB] },
                },
            };
            await using var group = await MemberGroup.StartAsync(["a", "b"], options);
            group.Write("a", "from-a/hello.txt", "hello from namespace a\n");
            group.Write("b", "from-b.txt", "hello from namespace b\n");
            await group.ScanNowAsync("a");
            await group.ScanNowAsync("b");
            await group.WaitConvergedAsync("from-a/hello.txt", "from-b.txt");

            Assert.Equal("hello from namespace a\n", File.ReadAllText(group.PathOf("b", "from-a/hello.txt")));
            Assert.Equal("hello from namespace b\n", File.ReadAllText(group.PathOf("a", "from-b.txt")));

            // stderr is read asynchronously: the line may land a moment after the files do.
            await Eventually.TrueAsync(() => group.Log("a").Contains("peer b connected", StringComparison.Ordinal), "a logs that b connected", TimeSpan.FromSeconds(10));
        }
        finally
        {
            // Deleting a namespace deletes the veth end inside it, and with it the pair.
            await IpMayFailAsync("netns", "delete", nsA);
            await IpMayFailAsync("netns", "delete", nsB);
            await IpMayFailAsync("link", "delete", vethA);
        }
    }

    private static Task IpAsync(params string[] args) => RunIpAsync(args, mayFail: false);

    /// <summary>Cleanup: what is already gone need not be deleted.</summary>
    private static Task IpMayFailAsync(params string[] args) => RunIpAsync(args, mayFail: true);

    private static async Task RunIpAsync(string[] args, bool mayFail)
    {
        using var ip = Process.Start(new ProcessStartInfo("ip", args) { UseShellExecute = false, RedirectStandardError = true })!;
        var stderr = ip.StandardError.ReadToEndAsync();
        await ip.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(mayFail || ip.ExitCode == 0, $"ip {string.Join(' ', args)} failed (exit {ip.ExitCode}): {await stderr}");
    }
}
