using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// Collects what one scan found, hashes changed files in parallel, and records the results in batched
/// transactions (thousands of rows per commit, DESIGN 3.2).
/// </summary>
internal sealed class ScanWriter
{
    private const int MaxPendingFiles = 1024;
    private const long MaxPendingBytes = 256L * 1024 * 1024;

    /// <summary>A file modified this close to the scan is "racy": its stat may not change on a later write in the same clock tick.</summary>
    private static readonly long RacyWindowNs = TimeSpan.FromSeconds(1).Ticks * 100;

    private readonly LocalGroup _group;
    private readonly ScanResult _result;
    private readonly ILogger _logger;
    private readonly bool _init;
    private readonly long _racyAfterNs;
    private readonly List<(SyncPath Path, FileStat Stat)> _toHash = [];
    private readonly List<LocalObservation> _observations = [];
    private readonly List<SyncPath> _forget = [];
    private long _pendingBytes;

    public ScanWriter(LocalGroup group, ScanResult result, ILogger logger, bool init, long scanStartUnixNs)
    {
        _group = group;
        _result = result;
        _logger = logger;
        _init = init;
        _racyAfterNs = scanStartUnixNs - RacyWindowNs;
    }

    /// <summary>
    /// Files at least this long whose size or mtime changed get their new version without being read
    /// (<see cref="FileRecord.HashPending"/>): the first transfer hashes the file while it sends it, instead of the
    /// scan reading all of it first.
    /// </summary>
    internal const long HashLaterFrom = 16L * 1024 * 1024;

    /// <param name="row">What the state records at the path, or null.</param>
    public void Observe(WalkItem.Entry entry, ScanRow? row)
    {
        if (entry.Stat.Type == EntryType.File && IsNewVersionUnread(entry.Stat, row))
        {
            Add(new LocalObservation(entry.Path, entry.Stat, null, null, Racy: entry.Stat.MtimeNs >= _racyAfterNs));
            return;
        }

        if (entry.Stat.Type == EntryType.File)
        {
            _toHash.Add((entry.Path, entry.Stat));
            _pendingBytes += entry.Stat.Size;
            if (_toHash.Count >= MaxPendingFiles || _pendingBytes >= MaxPendingBytes)
            {
                Flush();
            }

            return;
        }

        Add(new LocalObservation(entry.Path, entry.Stat, null, entry.LinkTarget, Racy: false));
    }

    /// <summary>
    /// Whether a file is a new version whatever its content (its size or mtime, which sync, are not the row's), large
    /// enough for its hash to wait, and owed to peers that will read it anyway: an init run (csync2 <c>-cI</c>) owes
    /// nothing and hashes.
    /// </summary>
    private bool IsNewVersionUnread(FileStat stat, ScanRow? row) =>
        !_init && stat.Size >= HashLaterFrom
        && (row is null || row.Deleted || row.Type != EntryType.File || row.Size != stat.Size || row.MtimeNs != stat.MtimeNs);

    public void Vanished(SyncPath path) => Add(LocalObservation.Vanished(path));

    public void Forget(SyncPath path)
    {
        _forget.Add(path);
        if (_forget.Count >= MaxPendingFiles)
        {
            Flush();
        }
    }

    /// <summary>Hashes and records everything pending.</summary>
    public void Flush()
    {
        HashPending();
        if (_observations.Count == 0 && _forget.Count == 0)
        {
            return;
        }

        using (var batch = _group.Store.BeginBatch())
        {
            foreach (var observation in _observations)
            {
                Count(observation.Path, batch.RecordLocal(observation, markDirty: !_init, _group.Ignore));
            }

            foreach (var path in _forget)
            {
                batch.Forget(path);
                _result.Forgotten++;
            }

            batch.Commit();
        }

        _observations.Clear();
        _forget.Clear();
    }

    private void Add(LocalObservation observation)
    {
        _observations.Add(observation);
        if (_observations.Count >= MaxPendingFiles * 4)
        {
            Flush();
        }
    }

    private void HashPending()
    {
        if (_toHash.Count == 0)
        {
            return;
        }

        var results = new ContentHasher.Result[_toHash.Count];
        Parallel.For(0, _toHash.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, i =>
            results[i] = ContentHasher.Hash(_group.FullPath(_toHash[i].Path), _toHash[i].Stat));

        for (var i = 0; i < results.Length; i++)
        {
            var (path, _) = _toHash[i];
            var r = results[i];
            if (r.Hash is null)
            {
                if (r.Errno == LibC.ENOENT)
                {
                    _observations.Add(LocalObservation.Vanished(path));
                    continue;
                }

                var kind = r.ChangedWhileReading ? ScanProblem.Vanished : ScanProblem.Unreadable;
                Problem(path.Value, r.ChangedWhileReading ? $"changed while reading ({r.Error}); the next scan looks again" : r.Error ?? "unreadable", kind);
                continue;
            }

            _result.Hashed++;
            _result.BytesHashed += r.Stat.Size;
            var racy = r.ChangedWhileReading || r.Stat.MtimeNs >= _racyAfterNs;
            _observations.Add(new LocalObservation(path, r.Stat, r.Hash, null, racy));
        }

        _toHash.Clear();
        _pendingBytes = 0;
    }

    internal void Problem(string where, string reason, ScanProblem kind)
    {
        _result.AddProblem(kind, $"{where}: {reason}");
        if (kind == ScanProblem.Vanished)
        {
            ScanLog.EntryVanished(_logger, _group.Config.Name, where, reason);
        }
        else
        {
            ScanLog.EntryProblem(_logger, _group.Config.Name, where, reason);
        }
    }

    private void Count(SyncPath path, LocalChange change)
    {
        switch (change)
        {
            case LocalChange.Created:
                _result.Created++;
                _result.AddChanged(path);
                break;
            case LocalChange.Modified:
                _result.Modified++;
                _result.AddChanged(path);
                break;
            case LocalChange.Deleted:
                _result.Deleted++;
                _result.AddChanged(path);
                break;
            case LocalChange.Refreshed:
                _result.Refreshed++;
                break;
        }
    }
}
