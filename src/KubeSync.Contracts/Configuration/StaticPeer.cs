namespace KubeSync.Contracts.Configuration;

/// <summary>One <c>peers.static</c> entry, written <c>name=host:port</c>.</summary>
public sealed record StaticPeer(string Node, string Host, int Port);
