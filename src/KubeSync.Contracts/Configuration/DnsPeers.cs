namespace KubeSync.Contracts.Configuration;

/// <summary><c>peers.dns</c>: <c>{name, port}</c>.</summary>
public sealed record DnsPeers(string Name, int Port);
