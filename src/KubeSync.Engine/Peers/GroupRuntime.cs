using System.Collections.Concurrent;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Applying;
using KubeSync.Engine.Delta;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Metrics;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Protocol;
using KubeSync.Engine.Scanning;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Peers;

/// <summary>
/// One group as a running member holds it: the state behind its gate, the applier, the scanner, and the peer
/// sessions that push its changes and receive theirs. Sessions ask it to scan, to be told of changes, and to know
/// whether the member is ready (DESIGN 3.5: a new member is ready only once it has pulled a peer's whole index).
/// </summary>
public sealed class GroupRuntime : IDisposable
{
    private readonly ConcurrentDictionary<string, PeerSession> _sessions = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ILogger _logger;
    private readonly Scanner _scanner;
    private volatile CompletedScan? _lastFullScan;
    private ActionScheduler? _actions;
    private volatile SyncTuning _tuning;
    private readonly object _signLock = new();
    private Task _signing = Task.CompletedTask;

    public GroupRuntime(LocalGroup group, ReadOnlyMemory<byte> groupKey, SyncTuning tuning, ILoggerFactory loggers, TimeProvider? time = null, KubeSyncMetrics? metrics = null)
    {
        Metrics = metrics;
        Group = group;
        _tuning = tuning;
        Loggers = loggers;
        Time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger("kubesync.group");
        _scanner = new Scanner(group, loggers.CreateLogger<Scanner>(), Time);
        Applier = new FileApplier(group.Root, group.Config.Backup is { } backup ? new BackupStore(backup) : null, group.Ignore);
        Handshake = new HandshakeOptions(group.Config.Name, group.Node, groupKey);
        IsNewMember = group.Store.OpenedAtSchemaVersion == 0;
        Readiness = new MemberReadiness(MarkReady);
        Signatures = new SignatureCache(Path.Combine(group.Config.StateDir, SignatureDirectoryName));
        Signatures.RemoveLeftovers();
    }

    /// <summary>Where, in the state directory, the signatures of large received files are kept.</summary>
    public const string SignatureDirectoryName = "signatures";

    public LocalGroup Group { get; }

    public string Name => Group.Config.Name;

    public string Node => Group.Node;

    public SyncRules Rules => Group.Rules;

    public FileApplier Applier { get; }

    /// <summary>Serializes every use of <see cref="LocalGroup.Store"/>.</summary>
    public AsyncGate Gate { get; } = new();

    public SyncCounters Counters { get; } = new();

    /// <summary>The daemon's metrics, for durations recorded as they happen; null outside a daemon.</summary>
    public KubeSyncMetrics? Metrics { get; }

    /// <summary>The last full scan that finished, or null before the first.</summary>
    public CompletedScan? LastFullScan => _lastFullScan;

    /// <summary>The session knobs; a config reload may replace them (<c>timing.pull</c>).</summary>
    public SyncTuning Tuning
    {
        get => _tuning;
        set => _tuning = value;
    }

    /// <summary>The group's action scheduler, or null when it has no actions (or outside a daemon).</summary>
    public ActionScheduler? Actions => Volatile.Read(ref _actions);

    public ILoggerFactory Loggers { get; }

    public TimeProvider Time { get; }

    public HandshakeOptions Handshake { get; }

    /// <summary>Most blocks a signature may have to fit this group's frames (larger files get larger blocks).</summary>
    public int MaxSignatureBlocks => ProtocolLimits.MaxSignatureBlocks(Handshake.MaxFrameLength);

    public ConflictPolicy Policy => Group.Config.Auto;

    public bool ReceiveOnly => Group.Config.Role == MemberRole.ReceiveOnly;

    /// <summary>The state database was created by this process: the member has never been in the group before.</summary>
    public bool IsNewMember { get; }

    /// <summary>Decides when a new member is ready, from its pull rounds and what its peers say of themselves.</summary>
    public MemberReadiness Readiness { get; }

    /// <summary>Completes when the member may serve: an existing member after its first scan, a new one after a full pull (<see cref="MemberReadiness"/>).</summary>
    public Task Ready => _ready.Task;

    public bool IsReady => _ready.Task.IsCompleted;

    /// <summary>Scans and records; sessions are woken when anything changed.</summary>
    public async Task<ScanResult> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        ScanResult result;
        using (await Gate.EnterAsync(cancellationToken).ConfigureAwait(false))
        {
            result = await Task.Run(() => _scanner.Scan(request, null, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        if (request.Paths is null)
        {
            _lastFullScan = new CompletedScan(Time.GetUtcNow(), result);
            Metrics?.RecordScan(Name, result.Duration);
        }

        if (result.Changed > 0)
        {
            NotifyChanged();
            if (!request.Init)
            {
                // Local changes run doLocal / doLocalOnly actions (csync2). Past the cap, the first paths stand for
                // the rest: an action whose patterns match none of them is not run (logged, so it can be run by hand).
                if (result.ChangedPathsOverflowed)
                {
                    GroupLog.TooManyChangedPaths(_logger, Name, result.Changed, result.ChangedPaths.Count);
                }

                TriggerActions(result.ChangedPaths, local: true);
            }
        }

        return result;
    }

    /// <summary>Asks a scan of one path soon (a file changed under the sender's feet); runs in the background.</summary>
    public void RequestScan(SyncPath path) =>
        _ = Task.Run(async () =>
        {
            try
            {
                await ScanAsync(new ScanRequest([path], Recursive: false), CancellationToken.None).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Microsoft.Data.Sqlite.SqliteException)
            {
                GroupLog.ScanFailed(_logger, Name, e.Message);
            }
        });

    /// <summary>Signatures of large received files, for the next delta against them (<see cref="SignatureCache"/>).</summary>
    public SignatureCache Signatures { get; }

    /// <summary>Completes when the signatures queued so far are kept (or given up).</summary>
    public Task SignaturesKept
    {
        get
        {
            lock (_signLock)
            {
                return _signing;
            }
        }
    }

    /// <summary>
    /// Signs the large file just received at <paramref name="path"/> in the background, one file at a time, and keeps
    /// the signature if the file is still the one recorded (<paramref name="recorded"/>: inode, size and mtime) with
    /// <paramref name="contentHash"/> as content, and did not change while it was read.
    /// </summary>
    public void KeepSignature(SyncPath path, byte[] contentHash, FileStat recorded)
    {
        lock (_signLock)
        {
            _signing = _signing.ContinueWith(_ => SignAsync(path, contentHash, recorded), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default).Unwrap();
        }
    }

    private async Task SignAsync(SyncPath path, byte[] contentHash, FileStat recorded)
    {
        try
        {
            using var file = Applier.OpenRead(path, out var before, out _);
            if (file is null || before.Inode != recorded.Inode || before.Size != recorded.Size || before.MtimeNs != recorded.MtimeNs)
            {
                return;
            }

            // In the kind a current peer's transfer asks for; an older peer's transfer signs the file afresh.
            var signature = await SignatureBuilder.BuildAsync(file, MaxSignatureBlocks, BlockHashKind.Xxh3, CancellationToken.None).ConfigureAwait(false);

            if (NativeFileSystem.TryStat(file, out var after) == 0 && after == before && after.CtimeNs == before.CtimeNs)
            {
                Signatures.Store(path, contentHash, after, signature);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            GroupLog.SignatureNotKept(_logger, Name, path, e.Message);
        }
    }

    /// <summary>
    /// Entries received from a peer are on disk and recorded (called after the commit, once per burst): the other
    /// sessions are woken to relay them.
    /// </summary>
    public void Applied(IReadOnlyCollection<SyncPath> paths)
    {
        NotifyChanged();
        TriggerActions(paths, local: false);
    }

    /// <summary>Installs <paramref name="scheduler"/> (at start, or a new one on a config reload); returns the previous one for the caller to dispose.</summary>
    public ActionScheduler? ReplaceActions(ActionScheduler? scheduler) => Interlocked.Exchange(ref _actions, scheduler);

    private void TriggerActions(IReadOnlyCollection<SyncPath> paths, bool local)
    {
        if (paths.Count == 0 || Actions is not { } actions)
        {
            return;
        }

        try
        {
            actions.Trigger(paths, local);
        }
        catch (ObjectDisposedException)
        {
            // Replaced by a reload or stopping meanwhile: the new scheduler (if any) is tried once.
            if (Actions is { } current && current != actions)
            {
                current.Trigger(paths, local);
            }
        }
    }

    /// <summary>Wakes every session's pusher: the state owes peers something new.</summary>
    public void NotifyChanged()
    {
        foreach (var session in _sessions.Values)
        {
            session.Wake();
        }
    }

    /// <summary>
    /// Adds a session for its peer. When one already exists, the connection opened by the member with the smaller
    /// node id wins on both sides (each side decides alone and both agree); the loser is returned for closing.
    /// </summary>
    public PeerSession? Register(PeerSession session)
    {
        while (true)
        {
            if (_sessions.TryAdd(session.Peer, session))
            {
                return null;
            }

            if (!_sessions.TryGetValue(session.Peer, out var existing))
            {
                continue;
            }

            if (!session.PreferredOver(existing))
            {
                return session;
            }

            if (_sessions.TryUpdate(session.Peer, session, existing))
            {
                return existing;
            }
        }
    }

    public void Unregister(PeerSession session) => _sessions.TryRemove(new KeyValuePair<string, PeerSession>(session.Peer, session));

    public bool HasSession(string peer) => _sessions.ContainsKey(peer);

    public IReadOnlyCollection<PeerSession> Sessions => [.. _sessions.Values];

    /// <summary>Marks the member ready (idempotent), logging why.</summary>
    public void MarkReady(string why)
    {
        if (_ready.TrySetResult())
        {
            GroupLog.Ready(_logger, Name, why);
        }
    }

    public void Dispose() => Gate.Dispose();
}
