using System.Net;
using System.Net.Sockets;

using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Testing;

/// <summary>The test helper that hands out ports to member processes: distinct, free, claimed against other test processes.</summary>
public sealed class TestPortsTests
{
    [Fact]
    public void Reserve_Twice_DistinctFreePortsBelowTheEphemeralRange_ClaimedByAFileLock()
    {
        var first = TestPorts.Reserve();
        var second = TestPorts.Reserve();
        Assert.NotEqual(first, second);

        var ephemeralLow = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' '], StringSplitOptions.RemoveEmptyEntries)[0], System.Globalization.CultureInfo.InvariantCulture);
        Assert.All([first, second], port => Assert.True(port < ephemeralLow || ephemeralLow < 11_000, $"{port} is in the ephemeral range from {ephemeralLow}"));

        using var listener = new TcpListener(IPAddress.Loopback, first);
        listener.Start();

        // Another process (or this one) cannot claim the port while the claim is held.
        Assert.Throws<IOException>(() => new FileStream(TestPorts.ClaimPath(second), FileMode.Open, FileAccess.ReadWrite, FileShare.None).Dispose());
    }
}
