namespace KubeSync.Testing.Emulation.Networking;

/// <summary>Gives pods their addresses; the seam between namespace and loopback networking.</summary>
internal interface IPodNetwork : IAsyncDisposable
{
    NetworkMode Mode { get; }

    /// <summary>What names this network's bridge, links and namespaces (<c>ks{Id}-…</c>), so a test can check none is left.</summary>
    string Id { get; }

    /// <summary>The node's address as pods see it (<c>status.hostIP</c>).</summary>
    string HostIP { get; }

    Task<PodSandbox> CreateAsync(CancellationToken cancellationToken);

    Task DeleteAsync(PodSandbox sandbox);
}
