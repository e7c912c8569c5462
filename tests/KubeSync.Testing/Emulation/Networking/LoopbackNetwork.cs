namespace KubeSync.Testing.Emulation.Networking;

/// <summary>
/// Pods share the host's network; each gets its own loopback address 127.0.N.M (N picked per emulator, M counting
/// up), so the same ports serve every pod as long as programs bind their pod IP. Without root the launch also
/// enters a user namespace so that the mount namespace (volumes, /etc/hosts) can still be made.
/// </summary>
internal sealed class LoopbackNetwork : IPodNetwork
{
    private readonly int _block = Random.Shared.Next(16, 250);
    private readonly IReadOnlyList<string> _launch;
    private int _next = 1;

    public LoopbackNetwork(bool root)
    {
        _launch = root ? [] : ["unshare", "--user", "--map-root-user"];
    }

    public NetworkMode Mode => NetworkMode.Loopback;

    public string HostIP => "127.0.0.1";

    public string Id => $"lo{_block}";

    public Task<PodSandbox> CreateAsync(CancellationToken cancellationToken)
    {
        var host = Interlocked.Increment(ref _next);
        if (host > 254)
        {
            throw new InvalidOperationException("loopback network: more than 253 pods in one emulator");
        }

        return Task.FromResult(new PodSandbox($"127.0.{_block}.{host}", null, null, _launch));
    }

    public Task DeleteAsync(PodSandbox sandbox) => Task.CompletedTask;

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
