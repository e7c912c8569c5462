using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

/// <summary>
/// The network side of a member: one listening socket for every group (the initiator's Hello names the group),
/// and a dialler per known peer address, from <c>peers.static</c> and from <c>peers.dns</c> re-resolved every
/// <c>timing.pull</c>. Each connection that passes TLS and the handshake becomes a <see cref="PeerSession"/>;
/// one that fails is logged, counted and closed, and the member lives on.
/// </summary>
public sealed class PeerHost : IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyDictionary<string, GroupRuntime> _groups;
    private readonly Task<PeerTls> _tls;
    private readonly ILogger _log;
    private readonly Socket? _listener;
    private readonly ConcurrentDictionary<Task, bool> _tasks = new();
    private readonly ConcurrentDictionary<string, bool> _selfAddresses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CancellationTokenSource> _dialers = new(StringComparer.Ordinal);
    private CancellationToken? _running;

    public PeerHost(IReadOnlyList<GroupRuntime> groups, PeerTls tls, IPEndPoint? listen, ILoggerFactory loggers)
        : this(groups, Task.FromResult(tls), listen, loggers)
    {
    }

    /// <summary>
    /// A host whose credentials are still loading (a one-shot <c>kubesync sync</c> scans meanwhile): dials and accepts
    /// wait for <paramref name="tls"/>, and a failure to load reaches whoever awaits <see cref="TlsLoaded"/>.
    /// </summary>
    public PeerHost(IReadOnlyList<GroupRuntime> groups, Task<PeerTls> tls, IPEndPoint? listen, ILoggerFactory loggers)
    {
        _groups = groups.ToDictionary(g => g.Name, StringComparer.Ordinal);
        _tls = tls;
        _log = loggers.CreateLogger("kubesync.peers");
        if (listen is not null)
        {
            _listener = new Socket(listen.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                _listener.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                _listener.Bind(listen);
                _listener.Listen(128);
            }
            catch
            {
                _listener.Dispose();
                throw;
            }
        }
    }

    /// <summary>Completes when the TLS credentials are loaded; faults with the reason they could not be.</summary>
    public Task TlsLoaded => _tls;

    /// <summary>The bound address (with the real port when 0 was asked for), or null when not listening.</summary>
    public IPEndPoint? ListenEndPoint => _listener?.LocalEndPoint as IPEndPoint;

    /// <summary>Connections refused before a session started (TLS, handshake), by reason label.</summary>
    public SyncCounters Counters { get; } = new();

    /// <summary>Accepts and dials until <paramref name="cancellationToken"/>.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        lock (_dialers)
        {
            _running = cancellationToken;
            foreach (var group in _groups.Values)
            {
                // A new member's readiness waits for the first attempt on every configured peer (MemberReadiness).
                foreach (var peer in group.Group.Config.Peers.Static)
                {
                    group.Readiness.Expect($"{peer.Host}:{peer.Port}");
                }

                if (group.Group.Config.Peers.Dns is { } dns)
                {
                    group.Readiness.Expect(DnsTarget(dns.Name));
                }

                group.Readiness.Arm();
                ReconcileDialers(group);
            }
        }

        try
        {
            if (_listener is not null)
            {
                await AcceptLoopAsync(_listener, cancellationToken).ConfigureAwait(false);
            }

            await Task.Delay(Timeout.InfiniteTimeSpan, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopping.
        }

        await Task.WhenAll(_tasks.Keys).ConfigureAwait(false);
    }

    /// <summary>
    /// The group's <c>peers</c> changed (a config reload): dials the static peers and DNS name that are new, and stops
    /// dialling (closing the sessions this member opened to) the ones no longer listed. Connections peers open to this
    /// member are accepted as before.
    /// </summary>
    public void UpdatePeers(GroupRuntime group)
    {
        lock (_dialers)
        {
            if (_running is not null)
            {
                ReconcileDialers(group);
            }
        }
    }

    /// <summary>Starts a dial or discover loop per configured peer of <paramref name="group"/> and stops those no longer configured. Holds the lock.</summary>
    private void ReconcileDialers(GroupRuntime group)
    {
        var peers = group.Group.Config.Peers;
        var wanted = new Dictionary<string, Func<CancellationToken, Task>>(StringComparer.Ordinal);
        foreach (var peer in peers.Static)
        {
            wanted[$"{group.Name}/static/{peer.Node}={peer.Host}:{peer.Port}"] = ct => DialLoopAsync(group, peer.Host, peer.Port, peer.Node, ct);
        }

        if (peers.Dns is { } dns)
        {
            wanted[$"{group.Name}/dns/{dns.Name}:{dns.Port}"] = ct => DiscoverLoopAsync(group, dns.Name, dns.Port, ct);
        }

        var prefix = group.Name + "/";
        foreach (var key in _dialers.Keys.Where(k => k.StartsWith(prefix, StringComparison.Ordinal) && !wanted.ContainsKey(k)).ToList())
        {
            _dialers[key].Cancel();
            _dialers.Remove(key);
        }

        foreach (var (key, loop) in wanted.Where(w => !_dialers.ContainsKey(w.Key)).ToList())
        {
            var stop = CancellationTokenSource.CreateLinkedTokenSource(_running!.Value);
            _dialers[key] = stop;
            Track(RunDialerAsync(key, loop, stop));
        }
    }

    /// <summary>Runs one dial or discover loop until it ends or is stopped, then forgets it.</summary>
    private async Task RunDialerAsync(string key, Func<CancellationToken, Task> loop, CancellationTokenSource stop)
    {
        try
        {
            await loop(stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping, or no longer configured.
        }
        finally
        {
            lock (_dialers)
            {
                if (_dialers.TryGetValue(key, out var current) && current == stop)
                {
                    _dialers.Remove(key);
                }
            }

            stop.Dispose();
        }
    }

    /// <summary>Dials <paramref name="endPoint"/> once and returns the session, not started (for one-shot verbs).</summary>
    public async Task<PeerSession> ConnectAsync(GroupRuntime group, EndPoint endPoint, CancellationToken cancellationToken)
    {
        var tls = await _tls.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(group.Tuning.HandshakeTimeout);
        var stream = await tls.ConnectAsync(endPoint, timeout.Token).ConfigureAwait(false);
        try
        {
            var connection = await ProtocolHandshake.RunAsync(stream, HandshakeRole.Initiator, group.Handshake, timeout.Token).ConfigureAwait(false);
            return new PeerSession(group, connection, Describe(endPoint));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await ProtocolHandshake.SendTimeoutGoodbyeAsync(stream, group.Handshake.MaxFrameLength, group.Tuning.HandshakeTimeout).ConfigureAwait(false);
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        catch
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>host:port as people write it (a <see cref="DnsEndPoint"/> prints its address family first).</summary>
    private static string Describe(EndPoint endPoint) => endPoint switch
    {
        DnsEndPoint dns => IPAddress.TryParse(dns.Host, out var ip) ? new IPEndPoint(ip, dns.Port).ToString() : $"{dns.Host}:{dns.Port}",
        _ => endPoint.ToString() ?? "?",
    };

    private async Task AcceptLoopAsync(Socket listener, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptAsync(ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (SocketException e)
            {
                HostLog.AcceptFailed(_log, e.Message);
                continue;
            }

            socket.NoDelay = true;
            Track(HandleAcceptedAsync(socket, ct));
        }
    }

    private async Task HandleAcceptedAsync(Socket socket, CancellationToken ct)
    {
        var remote = socket.RemoteEndPoint?.ToString() ?? "?";
        PeerConnection connection;
        var anyGroup = _groups.Values.First();
        using (var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            timeout.CancelAfter(anyGroup.Tuning.HandshakeTimeout);
            Stream? stream = null;
            try
            {
                var tls = await _tls.WaitAsync(ct).ConfigureAwait(false);
                stream = await tls.AuthenticateAsync(socket, client: false, null, timeout.Token).ConfigureAwait(false);
                connection = await ProtocolHandshake.AcceptAsync(stream, name => _groups.TryGetValue(name, out var g) ? g.Handshake : null, anyGroup.Handshake.MaxFrameLength, timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is ProtocolException or IOException or SocketException or OperationCanceledException)
            {
                Refused(remote, e, ct);
                if (e is OperationCanceledException && stream is not null && !ct.IsCancellationRequested)
                {
                    await ProtocolHandshake.SendTimeoutGoodbyeAsync(stream, anyGroup.Handshake.MaxFrameLength, anyGroup.Tuning.HandshakeTimeout).ConfigureAwait(false);
                }

                await DrainAndCloseAsync(stream, socket).ConfigureAwait(false);
                return;
            }
        }

        await RunSessionAsync(_groups[connection.Group], connection, null, ct).ConfigureAwait(false);
    }

    private void Refused(string remote, Exception e, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return;
        }

        if (e is ProtocolException { Error: ProtocolError.SelfConnection })
        {
            // This member reached itself through a name that lists every member (peers.dns on a headless Service):
            // expected, and the dialling side remembers the address; not a hostile or broken peer.
            HostLog.ReachedItself(_log, remote);
            return;
        }

        var label = e switch
        {
            ProtocolException p => p.Label,
            OperationCanceledException => "handshake_timeout",
            _ => "io",
        };
        Counters.ProtocolError(label);
        HostLog.Refused(_log, remote, label, e.Message);
    }

    /// <summary>Closing with unread input makes the kernel send a reset that can destroy the Goodbye: drain briefly first.</summary>
    private static async Task DrainAndCloseAsync(Stream? stream, Socket socket)
    {
        try
        {
            if (socket.Connected)
            {
                socket.Shutdown(SocketShutdown.Send);
                using var drain = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
                var buffer = new byte[4096];
                while (await socket.ReceiveAsync(buffer, SocketFlags.None, drain.Token).ConfigureAwait(false) > 0)
                {
                }
            }
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The peer is gone or silent: close anyway.
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
        }
    }

    /// <summary>Runs an accepted connection's session; it registers itself once the peer takes part (an observer never does).</summary>
    private static async Task RunSessionAsync(GroupRuntime group, PeerConnection connection, string? address, CancellationToken ct)
    {
        var session = new PeerSession(group, connection, address);
        await using (session.ConfigureAwait(false))
        {
            await session.RunAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task DialLoopAsync(GroupRuntime group, string host, int port, string? expectedNode, CancellationToken ct)
    {
        var target = $"{host}:{port}";
        try
        {
            await DialAsync(group, host, port, expectedNode, ct).ConfigureAwait(false);
        }
        finally
        {
            group.Readiness.Settled(target);
        }
    }

    private async Task DialAsync(GroupRuntime group, string host, int port, string? expectedNode, CancellationToken ct)
    {
        var target = $"{host}:{port}";
        var backoff = TimeSpan.FromMilliseconds(200);
        var knownNode = expectedNode;
        var reported = false;
        while (!ct.IsCancellationRequested)
        {
            if (knownNode is not null && group.HasSession(knownNode))
            {
                // The peer takes part (perhaps over its own connection to us, kept instead of ours): the first attempt
                // on this address has reached it.
                group.Readiness.Settled(target);
                await Task.Delay(TimeSpan.FromMilliseconds(500), group.Time, ct).ConfigureAwait(false);
                continue;
            }

            try
            {
                var session = await ConnectAsync(group, new DnsEndPoint(host, port), ct).ConfigureAwait(false);
                knownNode = session.Peer;
                reported = false;
                backoff = TimeSpan.FromMilliseconds(200);
                if (expectedNode is not null && expectedNode != session.Peer)
                {
                    HostLog.UnexpectedNode(_log, group.Name, host, port, expectedNode, session.Peer);
                }

                // Not settled when the session ends without taking part: the peer's own connection may have been kept
                // instead and not have sent its index yet; readiness waits for that session (above) or for a failure.
                await RunDialledAsync(group, session, target, ct).ConfigureAwait(false);
            }
            catch (ProtocolException e) when (e.Error == ProtocolError.SelfConnection)
            {
                _selfAddresses[$"{host}:{port}"] = true;
                return;
            }
            catch (ProtocolException e)
            {
                Counters.ProtocolError(e.Label);
                HostLog.DialRefused(_log, group.Name, host, port, e.Label, e.Message);
                group.Readiness.Settled(target);
            }
            catch (Exception e) when (e is SocketException or IOException or OperationCanceledException && !ct.IsCancellationRequested)
            {
                if (!reported)
                {
                    HostLog.Unreachable(_log, group.Name, host, port, e.Message);
                    reported = true;
                }

                group.Readiness.Settled(target);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var jitter = 0.8 + (Random.Shared.NextDouble() * 0.4);
            await Task.Delay(backoff * jitter, group.Time, ct).ConfigureAwait(false);
            backoff = TimeSpan.FromTicks(Math.Min(MaxBackoff.Ticks, backoff.Ticks * 2));
        }
    }

    /// <summary>
    /// Runs a dialled session until it ends. It registers itself once the peer takes part; when the peer's own connection
    /// to us is kept instead it ends at once, and the dial loop waits for that connection to end before dialling again.
    /// </summary>
    private static async Task RunDialledAsync(GroupRuntime group, PeerSession session, string target, CancellationToken ct)
    {
        await using (session.ConfigureAwait(false))
        {
            _ = session.Activated.ContinueWith(_ => group.Readiness.Settled(target), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);
            await session.RunAsync(ct).ConfigureAwait(false);
        }
    }

    private async Task DiscoverLoopAsync(GroupRuntime group, string name, int port, CancellationToken ct)
    {
        var dialers = new Dictionary<string, CancellationTokenSource>(StringComparer.Ordinal);
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    var addresses = await Dns.GetHostAddressesAsync(name, ct).ConfigureAwait(false);
                    var current = addresses.Select(a => a.ToString()).ToHashSet(StringComparer.Ordinal);
                    foreach (var gone in dialers.Keys.Where(a => !current.Contains(a)).ToList())
                    {
                        await dialers[gone].CancelAsync().ConfigureAwait(false);
                        dialers[gone].Dispose();
                        dialers.Remove(gone);
                    }

                    foreach (var address in current.Where(a => !dialers.ContainsKey(a) && !_selfAddresses.ContainsKey($"{a}:{port}")))
                    {
                        var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
                        dialers[address] = stop;
                        group.Readiness.Expect($"{address}:{port}");
                        Track(DialLoopAsync(group, address, port, null, stop.Token));
                    }
                }
                catch (SocketException e)
                {
                    HostLog.ResolveFailed(_log, group.Name, name, e.Message);
                }

                group.Readiness.Settled(DnsTarget(name));

                await Task.Delay(group.Group.Config.Peers.Dns is null ? MaxBackoff : group.Tuning.PullInterval, group.Time, ct).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            foreach (var stop in dialers.Values)
            {
                stop.Dispose();
            }
        }
    }

    private static string DnsTarget(string name) => $"dns:{name}";

    private void Track(Task task)
    {
        _tasks[task] = true;
        _ = task.ContinueWith(t => _tasks.TryRemove(t, out _), TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        _listener?.Dispose();
        try
        {
            await Task.WhenAll(_tasks.Keys).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            // Whatever is still running ends with the process.
        }
    }
}
