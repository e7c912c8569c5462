using System.Diagnostics;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Hosting;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Engine.Scanning;

/// <summary>
/// Change detection (DESIGN 3.3): merges the tree walk with the state rows, both in path order, and records
/// what differs. Content is hashed only when the stat fields differ (or the row is racy); a vanished file
/// becomes a tombstone; an unreadable directory leaves its rows alone; a newly excluded path is forgotten.
/// </summary>
public sealed class Scanner
{
    private readonly LocalGroup _group;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private Action<ScanResult>? _progress;
    private long _lastProgress;

    public Scanner(LocalGroup group, ILogger<Scanner>? logger = null, TimeProvider? time = null)
    {
        _group = group;
        _logger = logger ?? NullLogger<Scanner>.Instance;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How often <see cref="Scan"/> reports progress to its callback (checked every 1024 entries).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Scans what <paramref name="request"/> names and records the changes.</summary>
    /// <param name="progress">Called about every <see cref="ProgressInterval"/> with the counts so far (for long scans).</param>
    public ScanResult Scan(ScanRequest request, Action<ScanResult>? progress = null, CancellationToken cancellationToken = default)
    {
        var started = Stopwatch.GetTimestamp();
        var result = new ScanResult();
        var startNs = _time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000;
        var writer = new ScanWriter(_group, result, _logger, request.Init, startNs);
        _progress = progress;
        _lastProgress = started;
        var walker = new TreeWalker(_group.Root, _group.Rules);

        if (request.Paths is null or { Count: 0 })
        {
            Merge(walker.WalkRoot(cancellationToken), Prefetch.Ahead(_group.Store.ReadScanRows(), cancellationToken), writer, result, cancellationToken);
        }
        else
        {
            foreach (var path in request.Paths)
            {
                var rows = request.Recursive ? Prefetch.Ahead(_group.Store.ReadScanRows(path), cancellationToken) : _group.Store.ReadScanRows(path).Take(1).Where(r => r.Path == path);
                Merge(walker.WalkPath(path, request.Recursive, cancellationToken), rows, writer, result, cancellationToken);
            }
        }

        writer.Flush();
        result.Duration = Stopwatch.GetElapsedTime(started);
        ScanLog.ScanDone(_logger, _group.Config.Name, (long)result.Duration.TotalMilliseconds, result.Entries, result.Hashed, result.Created, result.Modified, result.Deleted, result.ProblemCount);
        return result;
    }

    private void Merge(IEnumerable<WalkItem> walk, IEnumerable<ScanRow> rows, ScanWriter writer, ScanResult result, CancellationToken cancellationToken)
    {
        var skipped = new List<SyncPath>();
        using var row = rows.GetEnumerator();
        var haveRow = row.MoveNext();
        foreach (var item in walk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            switch (item)
            {
                case WalkItem.SkippedSubtree s:
                    skipped.Add(s.Path);
                    writer.Problem(s.Path.Value, s.Reason + "; its contents are left as recorded", ScanProblem.Unreadable);
                    ScanLog.SubtreeSkipped(_logger, _group.Config.Name, s.Path.Value, s.Reason);
                    continue;
                case WalkItem.Problem p:
                    writer.Problem(p.Where, p.Reason, p.Kind);
                    if (p.Path is not null && p.Kind != ScanProblem.Vanished)
                    {
                        // Keep whatever was recorded for an entry we could not read this time.
                        skipped.Add(p.Path);
                    }

                    continue;
            }

            var entry = (WalkItem.Entry)item;
            if ((++result.Entries & 1023) == 0)
            {
                ReportProgress(result);
            }

            while (haveRow && row.Current.Path < entry.Path)
            {
                Orphan(row.Current, skipped, writer);
                haveRow = row.MoveNext();
            }

            if (haveRow && row.Current.Path == entry.Path)
            {
                if (NeedsLook(row.Current, entry.Stat))
                {
                    writer.Observe(entry, row.Current);
                }

                haveRow = row.MoveNext();
            }
            else
            {
                writer.Observe(entry, null);
            }
        }

        for (; haveRow; haveRow = row.MoveNext())
        {
            Orphan(row.Current, skipped, writer);
        }
    }

    private void ReportProgress(ScanResult result)
    {
        if (_progress is not null && Stopwatch.GetElapsedTime(_lastProgress) >= ProgressInterval)
        {
            _lastProgress = Stopwatch.GetTimestamp();
            _progress(result);
        }
    }

    /// <summary>A row with no entry on disk: deleted, excluded now, or inside something we could not read.</summary>
    private void Orphan(ScanRow row, List<SyncPath> skipped, ScanWriter writer)
    {
        if (skipped.Any(s => s == row.Path || s.IsAncestorOf(row.Path)))
        {
            return;
        }

        if (_group.Rules.Evaluate(row.Path) != RuleDecision.Include)
        {
            writer.Forget(row.Path);
        }
        else if (!row.Deleted)
        {
            writer.Vanished(row.Path);
        }
    }

    /// <summary>Whether the stat differs from the row (or the row cannot be trusted), so the entry must be looked at closely.</summary>
    private static bool NeedsLook(ScanRow row, FileStat stat) =>
        row.Deleted || row.Racy || row.HashPending || row.Type != stat.Type || row.Inode != stat.Inode || row.Mode != stat.Permissions
        || row.Uid != stat.Uid || row.Gid != stat.Gid
        || (stat.Type == EntryType.File && (row.Size != stat.Size || row.MtimeNs != stat.MtimeNs))
        || stat.Type == EntryType.Symlink && row.MtimeNs != stat.MtimeNs;
}
