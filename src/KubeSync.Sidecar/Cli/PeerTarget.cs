using System.Net;

namespace KubeSync.Sidecar.Cli;

/// <summary>An address <c>compare</c> or <c>diff</c> dials; <see cref="Node"/> is known for <c>peers.static</c> entries.</summary>
internal sealed record PeerTarget(string Label, EndPoint EndPoint, string? Node);
