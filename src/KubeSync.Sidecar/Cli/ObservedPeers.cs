using System.Net;
using System.Net.Sockets;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Configuration;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Peers;
using KubeSync.Engine.Protocol;

namespace KubeSync.Sidecar.Cli;

/// <summary>
/// Dials a group's peers as an observer (<see cref="PeerObserver"/>) for <c>compare</c> and <c>diff</c>: the member
/// named PEER (a <c>peers.static</c> node id, a node found through <c>peers.dns</c>, or <c>host:port</c>), else every
/// configured peer. An address that turns out to be this member is skipped; a peer that cannot be reached is reported on
/// stderr and makes the verb fail.
/// </summary>
internal sealed class ObservedPeers(CliContext ctx, KubeSyncConfig config, TimeSpan timeout)
{
    private byte[]? _key;
    private PeerTls? _tls;

    /// <summary>Whether a peer could not be dialled or read.</summary>
    public bool Failed { get; private set; }

    /// <summary>Runs <paramref name="action"/> with an observer of each selected peer of <paramref name="group"/>; returns how many peers it reached.</summary>
    public async Task<int> ForEachAsync(GroupConfig group, string? peer, Func<PeerObserver, CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        _key ??= MemberCredentials.ReadKey(config);
        _tls ??= await MemberCredentials.LoadTlsAsync(config, ctx.LoggerFactory, TimeProvider.System, cancellationToken);
        var options = new HandshakeOptions(group.Name, config.Node, _key);
        var (targets, nodeFilter) = await TargetsAsync(group, peer, cancellationToken);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(timeout);
            try
            {
                await using var observer = await PeerObserver.ConnectAsync(_tls, options, target.EndPoint, config.Timing.Handshake, limit.Token);
                if ((nodeFilter is not null && observer.Peer != nodeFilter) || !seen.Add(observer.Peer))
                {
                    continue;
                }

                await action(observer, limit.Token);
            }
            catch (ProtocolException e) when (e.Error == ProtocolError.SelfConnection)
            {
                // peers.dns lists this member too.
            }
            catch (Exception e) when (e is ProtocolException or IOException or SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                var why = e is OperationCanceledException ? $"no answer within {timeout.TotalSeconds:0} s" : e.Message;
                ctx.Error.WriteLine($"kubesync: {group.Name}: peer {target.Label}: {why}");
                Failed = true;
            }
        }

        if (nodeFilter is not null && !seen.Contains(nodeFilter) && !Failed)
        {
            throw new CliUsageException($"{group.Name}: no peer named {nodeFilter} answered (an address of it may belong to another member)");
        }

        return seen.Count;
    }

    private static async Task<(List<PeerTarget> Targets, string? NodeFilter)> TargetsAsync(GroupConfig group, string? peer, CancellationToken ct)
    {
        var statics = group.Peers.Static.Select(p => new PeerTarget(p.Node, new DnsEndPoint(p.Host, p.Port), p.Node)).ToList();
        if (peer is not null && statics.Where(t => t.Node == peer).ToList() is { Count: > 0 } named)
        {
            return (named, peer);
        }

        if (peer is not null && peer.Contains(':', StringComparison.Ordinal))
        {
            return HostPort.TryParse(peer, out var host, out var port, out var error, KubeSyncConfig.DefaultPort)
                ? ([new PeerTarget(peer, new DnsEndPoint(host, port), null)], null)
                : throw new CliUsageException($"PEER {peer}: {error}");
        }

        var targets = peer is null ? statics : [];
        if (group.Peers.Dns is { } dns)
        {
            try
            {
                var addresses = await Dns.GetHostAddressesAsync(dns.Name, ct);
                targets.AddRange(addresses.Select(a => new PeerTarget($"{a}:{dns.Port}", new IPEndPoint(a, dns.Port), null)));
            }
            catch (SocketException e)
            {
                throw new IOException($"{group.Name}: cannot resolve peers.dns {dns.Name}: {e.Message}", e);
            }
        }
        else if (peer is not null)
        {
            throw new CliUsageException($"{group.Name}: no peer {peer} in peers.static (known: {string.Join(", ", statics.Select(t => t.Node))}); give host:port to dial another address");
        }

        return (targets, peer);
    }
}
