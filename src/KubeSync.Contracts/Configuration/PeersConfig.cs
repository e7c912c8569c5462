namespace KubeSync.Contracts.Configuration;

/// <summary><c>groups[].peers</c>: how members find each other.</summary>
public sealed class PeersConfig
{
    /// <summary><c>peers.static</c>: fixed members.</summary>
    public IReadOnlyList<StaticPeer> Static { get; init; } = [];

    /// <summary><c>peers.dns</c>: a name whose A/AAAA records are the members (a headless Service), or null.</summary>
    public DnsPeers? Dns { get; init; }
}
