using System.Globalization;

namespace KubeSync.Testing.Emulation.Networking;

/// <summary>
/// What a CNI bridge plugin does, with <c>ip</c>: a bridge <c>ksb{id}</c> holding 10.244.N.1/24 in the root
/// namespace (N is the first block no interface uses yet), and per pod a network namespace <c>ks{id}-{n}</c> with
/// <c>lo</c> up and <c>eth0</c>, one end of a veth pair whose other end (<c>ksv{id}{n}</c>) is on the bridge, with
/// 10.244.N.n/24 and a default route via the bridge. The test process reaches every pod over the bridge.
/// </summary>
internal sealed class BridgeNetwork : IPodNetwork
{
    private static readonly SemaphoreSlim Choosing = new(1, 1);
    private readonly string _id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..6];
    private readonly Queue<int> _free = new(Enumerable.Range(2, 253));
    private readonly Lock _lock = new();
    private int _block;

    private BridgeNetwork()
    {
    }

    public NetworkMode Mode => NetworkMode.Namespaces;

    public string HostIP => $"10.244.{_block}.1";

    public string Id => _id;

    private string Bridge => $"ksb{_id}";

    public static async Task<BridgeNetwork> StartAsync(CancellationToken cancellationToken)
    {
        var network = new BridgeNetwork();

        // Another emulator in this process or another one may be choosing too: a host-wide file lock orders them.
        await Choosing.WaitAsync(cancellationToken);
        try
        {
            await using var hostLock = await HostLockAsync(cancellationToken);
            var used = await HostCommand.RunAsync("ip", ["-o", "-4", "addr", "show"], cancellationToken);
            network._block = Enumerable.Range(1, 250).First(n => !used.Stdout.Contains($" 10.244.{n}.", StringComparison.Ordinal));
            await HostCommand.IpAsync(cancellationToken, "link", "add", network.Bridge, "type", "bridge");
            await HostCommand.IpAsync(cancellationToken, "addr", "add", $"{network.HostIP}/24", "dev", network.Bridge);
            await HostCommand.IpAsync(cancellationToken, "link", "set", network.Bridge, "up");
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
        finally
        {
            Choosing.Release();
        }

        return network;
    }

    public async Task<PodSandbox> CreateAsync(CancellationToken cancellationToken)
    {
        int host;
        lock (_lock)
        {
            // Freed addresses go to the back of the line, so a new pod rarely gets the address a deleted pod just had.
            host = _free.Count > 0 ? _free.Dequeue() : throw new InvalidOperationException("bridge network: more than 253 pods");
        }

        var n = host.ToString(CultureInfo.InvariantCulture);
        var sandbox = new PodSandbox($"10.244.{_block}.{n}", $"ks{_id}-{n}", $"ksv{_id}{n}", ["ip", "netns", "exec", $"ks{_id}-{n}"]);
        try
        {
            await HostCommand.IpAsync(cancellationToken, "netns", "add", sandbox.NetworkNamespace!);
            await HostCommand.IpAsync(cancellationToken, "link", "add", sandbox.HostVeth!, "type", "veth", "peer", "name", "eth0", "netns", sandbox.NetworkNamespace!);
            await HostCommand.IpAsync(cancellationToken, "link", "set", sandbox.HostVeth!, "master", Bridge, "up");
            await HostCommand.IpAsync(cancellationToken, "-n", sandbox.NetworkNamespace!, "addr", "add", $"{sandbox.IP}/24", "dev", "eth0");
            await HostCommand.IpAsync(cancellationToken, "-n", sandbox.NetworkNamespace!, "link", "set", "eth0", "up");
            await HostCommand.IpAsync(cancellationToken, "-n", sandbox.NetworkNamespace!, "link", "set", "lo", "up");
            await HostCommand.IpAsync(cancellationToken, "-n", sandbox.NetworkNamespace!, "route", "add", "default", "via", HostIP);
            return sandbox;
        }
        catch
        {
            await DeleteAsync(sandbox);
            throw;
        }
    }

    public async Task DeleteAsync(PodSandbox sandbox)
    {
        // Deleting the namespace deletes eth0 and with it the pair; the explicit link delete covers a half-made sandbox.
        await HostCommand.IpMayFailAsync("netns", "delete", sandbox.NetworkNamespace!);
        await HostCommand.IpMayFailAsync("link", "delete", sandbox.HostVeth!);
        var host = int.Parse(sandbox.IP.Split('.')[3], CultureInfo.InvariantCulture);
        lock (_lock)
        {
            _free.Enqueue(host);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Any pod namespace still here (a failed test) goes too, before the bridge.
        var left = await HostCommand.RunAsync("ip", ["netns", "list"], CancellationToken.None);
        foreach (var line in left.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            if (name.StartsWith($"ks{_id}-", StringComparison.Ordinal))
            {
                await KillAllInAsync(name);
                await HostCommand.IpMayFailAsync("netns", "delete", name);
            }
        }

        await HostCommand.IpMayFailAsync("link", "delete", Bridge);
    }

    /// <summary>SIGKILL to every process still in <paramref name="networkNamespace"/> (<c>ip netns pids</c>).</summary>
    public static async Task KillAllInAsync(string networkNamespace)
    {
        var pids = await HostCommand.RunAsync("ip", ["netns", "pids", networkNamespace], CancellationToken.None);
        foreach (var pid in pids.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(pid, CultureInfo.InvariantCulture, out var id))
            {
                Signals.Send(id, Signals.Kill);
            }
        }
    }


    private static async Task<FileStream> HostLockAsync(CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), "kubesync-emulator-network.lock");
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
