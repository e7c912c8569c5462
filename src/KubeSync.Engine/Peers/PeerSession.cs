using System.Net.Sockets;

using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.Security;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

/// <summary>
/// One connection with one peer, after the handshake (DESIGN 3.5, docs/protocol.md "Sessions"). Both ends run
/// the same session: a pusher offers every row the state owes the peer, a window of offers at a time; a receiver
/// answers the peer's offers, applies what it takes and records it; a pull asks for the peer's index entries
/// newer than the last seen and wants what is missing; a timer pings and pulls periodically. Any protocol
/// violation closes the connection (and only it), with a Goodbye naming the reason.
/// </summary>
public sealed partial class PeerSession : IAsyncDisposable
{
    private readonly GroupRuntime _group;
    private readonly PeerConnection _connection;
    private readonly string? _address;
    private readonly ILogger _log;
    private readonly SendQueue _send;
    private readonly SemaphoreSlim _window;
    private readonly SemaphoreSlim _streamWindow;
    private readonly SemaphoreSlim _encodes;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly List<Task> _background = [];
    private readonly ulong _myParity;
    private long _nextId;
    private long _lastReceived;
    private long _lastPull;
    private volatile bool _wakeRequested;
    private bool _lastPullStarted;

    public PeerSession(GroupRuntime group, PeerConnection connection, string? address = null)
    {
        _group = group;
        _connection = connection;
        _address = address;
        _log = group.Loggers.CreateLogger("kubesync.peer");
        _send = new SendQueue(group.Tuning.SendSlots);
        _window = new SemaphoreSlim(group.Tuning.OfferWindow, group.Tuning.OfferWindow);
        _streamWindow = new SemaphoreSlim(group.Tuning.StreamWindow, group.Tuning.StreamWindow);
        _encodes = new SemaphoreSlim(group.Tuning.ConcurrentEncodes, group.Tuning.ConcurrentEncodes);
        _myParity = connection.Role == HandshakeRole.Initiator ? 0UL : 1UL;
        _nextId = (long)_myParity;
        _lastReceived = _lastPull = group.Time.GetTimestamp();
    }

    /// <summary>The peer's node id.</summary>
    public string Peer => _connection.PeerNodeId;

    /// <summary>The node id of the member that opened this connection.</summary>
    public string Initiator => _connection.Role == HandshakeRole.Initiator ? _group.Node : Peer;

    /// <summary>Why the session ended, once it has.</summary>
    public string? EndReason { get; private set; }

    /// <summary>Nothing in flight either way and no pull round open: what a one-shot sync waits for (with nothing owed).</summary>
    public bool IsSettled
    {
        get
        {
            lock (_lock)
            {
                return !_roundActive && _outgoing.Count == 0 && _awaiting.Count == 0 && _incoming.Count == 0 && _lastPullStarted;
            }
        }
    }

    /// <summary>Whether this connection should be kept instead of <paramref name="other"/> to the same peer.</summary>
    public bool PreferredOver(PeerSession other)
    {
        var order = string.CompareOrdinal(Initiator, other.Initiator);

        // The same initiator dialled again: it gave up on the old connection, so the new one wins.
        return order <= 0;
    }

    /// <summary>Tells the pusher the state owes the peer something new.</summary>
    public void Wake()
    {
        _wakeRequested = true;
        if (_wake.CurrentCount == 0)
        {
            try
            {
                _wake.Release();
            }
            catch (SemaphoreFullException)
            {
                // Someone else woke it first.
            }
        }
    }

    /// <summary>Ends the session (another connection to the same peer won, or the member stops).</summary>
    public void Stop(string reason)
    {
        EndReason ??= reason;
        _stop.Cancel();
    }

    /// <summary>Runs the session until the connection ends; never throws for what the peer did.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stop.Token);
        var ct = linked.Token;
        ProtocolError? error = null;
        string reason = "stopped";
        try
        {
            // The session registers and pushes only once the peer takes part (PeerSession.Observers.cs).
            var tasks = new List<Task>
            {
                _send.RunAsync(_connection, ct),
                ReceiveLoopAsync(ct),
                TimerLoopAsync(ct),
                PushWhenActiveAsync(ct),
            };

            await StartPullAsync(ct).ConfigureAwait(false);
            var first = await Task.WhenAny(tasks).ConfigureAwait(false);
            await first.ConfigureAwait(false);
            reason = "a loop ended";
        }
        catch (ProtocolException e)
        {
            error = e.Error;
            reason = e.Message;
            if (!(e.ReportedByPeer || e.Error == ProtocolError.Closed))
            {
                _group.Counters.ProtocolError(e.Label);
            }

            LogEnd(e);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            reason = EndReason ?? "the member is stopping";
            error = EndReason is null ? null : ProtocolError.Duplicate;
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            reason = $"connection lost: {e.Message}";
            PeerLog.Lost(_log, _group.Name, Peer, e.Message);
        }
        finally
        {
            EndReason ??= reason;
            await ShutdownAsync(error, linked).ConfigureAwait(false);
        }
    }

    private void LogEnd(ProtocolException e)
    {
        if (e.Error == ProtocolError.Closed || (e.ReportedByPeer && e.Error == ProtocolError.Duplicate))
        {
            PeerLog.Closed(_log, _group.Name, Peer, e.Message);
        }
        else
        {
            PeerLog.ProtocolFailure(_log, _group.Name, Peer, e.Label, e.Message);
        }
    }

    private async Task ShutdownAsync(ProtocolError? error, CancellationTokenSource linked)
    {
        var sendGoodbye = error is null or not (ProtocolError.Closed or ProtocolError.Truncated);
        if (sendGoodbye)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await _connection.CloseAsync(error == ProtocolError.Duplicate ? ProtocolError.Duplicate : error, EndReason ?? "closing", timeout.Token).ConfigureAwait(false);
        }

        await linked.CancelAsync().ConfigureAwait(false);
        await _stop.CancelAsync().ConfigureAwait(false);
        _send.Complete();
        AbortTransfers();
        Task[] background;
        lock (_lock)
        {
            background = [.. _background];
        }

        try
        {
            await Task.WhenAll(background).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or TimeoutException or ProtocolException or ObjectDisposedException or InvalidOperationException)
        {
            // The connection is gone; whatever these tasks were doing is retried by the next session.
        }

        LogSummedApplyFailures();
        _group.Unregister(this);
        _group.Readiness.SessionEnded(this);
        if (IsActive)
        {
            PeerLog.Disconnected(_log, _group.Name, Peer, EndReason ?? "");
        }
        else
        {
            PeerLog.ObserverDisconnected(_log, _group.Name, Peer, EndReason ?? "");
        }
    }

    private void Track(Task task)
    {
        lock (_lock)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    private ulong NextId() => (ulong)Interlocked.Add(ref _nextId, 2);

    private bool IsMine(ulong id) => (id & 1) == _myParity;

    private async Task TimerLoopAsync(CancellationToken ct)
    {
        ulong token = 0;
        while (true)
        {
            // Read each round: a config reload may change timing.pull.
            var tuning = _group.Tuning;
            var tick = TimeSpan.FromTicks(Math.Max(TimeSpan.TicksPerMillisecond * 10, Math.Min(tuning.PingInterval.Ticks, tuning.PullInterval.Ticks) / 4));
            await Task.Delay(tick, _group.Time, ct).ConfigureAwait(false);
            var idle = _group.Time.GetElapsedTime(Interlocked.Read(ref _lastReceived));
            if (idle > tuning.IdleTimeout)
            {
                throw new ProtocolException(ProtocolError.Closed, $"nothing received for {idle.TotalSeconds:0} s; the connection is dead");
            }

            if (idle > tuning.PingInterval)
            {
                _send.Reply(new Ping(++token));
            }

            if (_group.Time.GetElapsedTime(Interlocked.Read(ref _lastPull)) >= tuning.PullInterval)
            {
                await StartPullAsync(ct).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync().ConfigureAwait(false);
        _send.Dispose();
        _window.Dispose();
        _streamWindow.Dispose();
        _encodes.Dispose();
        _wake.Dispose();
        _stop.Dispose();
    }

    private static ProtocolException Unexpected(string what) => new(ProtocolError.UnexpectedMessage, what);

    private static string Printable(SyncPath path) => SyncPath.Printable(path.Value);
}
