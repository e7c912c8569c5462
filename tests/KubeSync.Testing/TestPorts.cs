using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KubeSync.Testing;

/// <summary>
/// TCP ports for servers a test starts later or in another process (members, nginx, the operator). A port bound to 0
/// and released comes from the kernel's ephemeral range, where any outgoing connection of any process may take it
/// before the server binds it; and test projects run in parallel processes. So a port is drawn below the ephemeral
/// range, claimed across processes by an exclusive lock on a file named after it (held until this process exits),
/// and checked free on every address before it is handed out.
/// </summary>
public static class TestPorts
{
    private const int Lowest = 10_000;

    private static readonly Lock Gate = new();
    private static readonly List<FileStream> Claims = [];
    // One directory per user: a claim file another user created could not be opened here.
    private static readonly string ClaimDirectory = Path.Combine(Path.GetTempPath(), $"kubesync-test-ports-{Environment.UserName}");

    /// <summary>Where the claim files are (for tests of this helper).</summary>
    public static string ClaimPath(int port) => Path.Combine(ClaimDirectory, port.ToString(CultureInfo.InvariantCulture));

    /// <summary>A port nobody listens on, which no other test of any process on this machine is handed while this one runs.</summary>
    public static int Reserve()
    {
        var (low, high) = Range();
        Directory.CreateDirectory(ClaimDirectory);
        lock (Gate)
        {
            for (var attempt = 0; attempt < 1000; attempt++)
            {
                var port = Random.Shared.Next(low, high);
                FileStream claim;
                try
                {
                    // FileShare.None takes flock(LOCK_EX | LOCK_NB) on Unix: a second open, here or elsewhere, fails.
                    claim = new FileStream(ClaimPath(port), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                }
                catch (IOException)
                {
                    continue;
                }

                if (!IsFree(port))
                {
                    claim.Dispose();
                    continue;
                }

                Claims.Add(claim);
                return port;
            }
        }

        throw new InvalidOperationException($"no free port in {low}-{high} after 1000 draws");
    }

    /// <summary>Below the ephemeral range (<c>ip_local_port_range</c>), or the ephemeral range itself when nothing is below it.</summary>
    private static (int Low, int High) Range()
    {
        try
        {
            var parts = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            var ephemeralLow = int.Parse(parts[0], CultureInfo.InvariantCulture);
            return ephemeralLow - Lowest >= 1000 ? (Lowest, ephemeralLow) : (ephemeralLow, int.Parse(parts[1], CultureInfo.InvariantCulture));
        }
        catch (Exception e) when (e is IOException or FormatException or IndexOutOfRangeException or UnauthorizedAccessException)
        {
            return (Lowest, 32_768);
        }
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Any, port));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }
}
