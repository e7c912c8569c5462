using System.Runtime.InteropServices;

using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;

namespace KubeSync.Engine.Applying;

/// <summary>
/// Received entries whose durability is settled together. Staged files wait under their temp names while the
/// <see cref="SyncWorkers"/> make their data durable, each as soon as it is added, many at once (they share journal
/// commits); <see cref="Publish"/> waits for those syncs, renames each file over its target (old or new, never a
/// mix), then syncs every directory that a rename, a new directory or a deletion touched, once each and
/// concurrently. The caller commits the state and answers the peer only after <see cref="Publish"/>, so an
/// acknowledged version is on disk.
/// </summary>
public sealed class ApplyBatch : IDisposable
{
    private readonly FileApplier _applier;
    private readonly List<Pending> _files = [];
    private readonly HashSet<string> _paths = new(StringComparer.Ordinal);

    /// <summary>Directories to sync, by their path, each with one entry inside it to reach it by.</summary>
    private readonly Dictionary<string, SyncPath> _directories = new(StringComparer.Ordinal);

    /// <summary>
    /// Parent directories opened during this batch, by path: consecutive entries of one directory walk from the
    /// root once. Closed when the batch publishes, so no descriptor outlives the burst it served.
    /// </summary>
    private readonly Dictionary<string, ConfinedDirectory> _open = new(StringComparer.Ordinal);
    private readonly List<ConfinedDirectory> _retired = [];

    /// <summary>Syncs queued for this batch (staged files, then directories), plus one held while none is awaited.</summary>
    private readonly CountdownEvent _syncing = new(1);

    /// <summary>
    /// Set once the batch holds more than <see cref="FileSyncLimit"/> files: the rest only start their writeback, and
    /// the publish makes the whole batch durable with one <c>syncfs</c> before the renames and one after.
    /// </summary>
    private bool _wholeFileSystem;

    public ApplyBatch(FileApplier applier) => _applier = applier;

    /// <summary>
    /// Files of one batch that are fsynced one by one. A live change is a few files, and a few fsyncs cost less than
    /// writing out the whole file system; a bulk transfer (a new member filling, thousands of files) costs one
    /// <c>syncfs</c> before its renames and one after, instead of an fsync per file and per directory (on ext4
    /// without a journal an fsync of a new file also syncs its parent directories).
    /// </summary>
    internal const int FileSyncLimit = 4;

    /// <summary>Files whose writeback one worker starts at once, past <see cref="FileSyncLimit"/>.</summary>
    private const int WritebackGroup = 64;

    /// <summary>Descriptors of staged files whose writeback has not been started yet.</summary>
    private readonly List<int> _writeback = [];

    /// <summary>Files waiting for <see cref="Publish"/>.</summary>
    public int Staged => _files.Count;

    public bool IsEmpty => _files.Count == 0 && _directories.Count == 0;

    /// <summary>Whether a file is staged for <paramref name="path"/>: anything else about that path must wait for the publish.</summary>
    public bool Holds(SyncPath path) => _paths.Contains(path.Value);

    /// <summary>
    /// Queues <paramref name="file"/>. At publish, <paramref name="stillSafe"/> is asked with what is at the target (null:
    /// nothing) right before the rename (false: the target changed on disk, the result is <see cref="ApplyOutcome.Stale"/>),
    /// and <paramref name="published"/> gets the outcome.
    /// </summary>
    public void Add(StagedFile file, Func<FileStat?, bool> stillSafe, Action<ApplyResult> published)
    {
        if (!_paths.Add(file.Path.Value))
        {
            file.Dispose();
            throw new InvalidOperationException($"{file.Path} is already staged in this batch");
        }

        // The data goes to disk now, alongside the rest of the burst; Publish waits for it before the rename.
        var fd = (int)file.Handle.DangerousGetHandle();
        SyncJob? sync = null;
        if (_files.Count < FileSyncLimit)
        {
            sync = new SyncJob(fd, _syncing);
            _syncing.AddCount();
            SyncWorkers.Shared.Queue(sync);
        }
        else
        {
            // Past the limit one syncfs at the publish covers the file. Starting the writeback of every
            // WritebackGroup files on a worker leaves that call less to wait for, at one wake-up per group.
            _wholeFileSystem = true;
            _writeback.Add(fd);
            if (_writeback.Count == WritebackGroup)
            {
                _syncing.AddCount();
                SyncWorkers.Shared.Queue(SyncJob.Writeback(_writeback, _syncing));
                _writeback.Clear();
            }
        }

        _files.Add(new Pending(file, stillSafe, published, sync));
    }

    internal ConfinedDirectory? CachedParent(SyncPath entry) => _open.GetValueOrDefault(entry.ParentValue);

    internal void CacheParent(SyncPath entry, ConfinedDirectory directory) => _open[entry.ParentValue] = directory;

    /// <summary>A directory was removed: it and everything below leave the cache (closed at the publish; a staged file may still use one).</summary>
    internal void ForgetTree(SyncPath directory)
    {
        foreach (var key in _open.Keys.Where(k => k == directory.Value || k.StartsWith(directory.Value + "/", StringComparison.Ordinal)).ToList())
        {
            _retired.Add(_open[key]);
            _open.Remove(key);
        }
    }

    /// <summary>Notes that the directory holding <paramref name="entry"/> changed and must be synced before the commit.</summary>
    internal void SyncParentLater(SyncPath entry) => _directories.TryAdd(entry.ParentValue, entry);

    /// <summary>Publishes every staged file and syncs the touched directories; the callbacks run last, in staging order.</summary>
    public void Publish()
    {
        if (IsEmpty)
        {
            DisposeFiles();
            return;
        }

        var results = new ApplyResult[_files.Count];
        try
        {
            // Data first: a rename must never expose a file whose blocks a crash could still lose.
            WaitForSyncs();
            var fileSystemError = _wholeFileSystem ? SyncFileSystems(_files.Select(f => f.File.Directory)) : 0;
            for (var i = 0; i < _files.Count; i++)
            {
                var (file, _, _, sync) = _files[i];
                var error = sync?.Error ?? fileSystemError;
                if (error != 0)
                {
                    results[i] = ApplyResult.Failed($"cannot make {file.Path} durable: {NativeFileSystem.Describe(error)}");
                }
            }

            var open = _open;
            for (var i = 0; i < _files.Count; i++)
            {
                var (file, stillSafe, _, _) = _files[i];
                if (results[i] is not null)
                {
                    continue;
                }

                results[i] = _applier.Publish(file, stillSafe);
                if (results[i].Outcome == ApplyOutcome.Applied)
                {
                    var key = file.Path.ParentValue;
                    _directories.TryAdd(key, file.Path);
                    open.TryAdd(key, file.Directory);
                }
            }

            SyncDirectories();
        }
        finally
        {
            DisposeFiles();
        }

        var done = _files.ToArray();
        Clear();
        for (var i = 0; i < done.Length; i++)
        {
            done[i].Published(results[i]);
        }
    }

    /// <summary>Drops what is staged (the temp files go) without publishing or calling back.</summary>
    public void Dispose()
    {
        DisposeFiles();
        Clear();
        _syncing.Dispose();
    }

    /// <summary>Syncs every directory a rename, a new directory or a deletion touched, all at once.</summary>
    private void SyncDirectories()
    {
        if ((_wholeFileSystem || _directories.Count > FileSyncLimit) && SyncDirectoriesAtOnce())
        {
            return;
        }

        var opened = new List<ConfinedDirectory>();
        try
        {
            foreach (var (key, entry) in _directories)
            {
                if (!_open.TryGetValue(key, out var directory))
                {
                    directory = _applier.OpenExistingParent(entry);
                    if (directory is null)
                    {
                        continue;
                    }

                    opened.Add(directory);
                }

                _syncing.AddCount();
                SyncWorkers.Shared.Queue(new SyncJob(directory.Fd, _syncing));
            }

            WaitForSyncs();
        }
        finally
        {
            WaitForSyncs();
            foreach (var directory in opened)
            {
                directory.Dispose();
            }
        }
    }

    /// <summary>
    /// Makes every directory change durable with one <c>syncfs</c> through any open descriptor of the tree. False when
    /// there is none (or the call failed): the directories are then synced one by one.
    /// </summary>
    private bool SyncDirectoriesAtOnce()
    {
        var directories = new List<ConfinedDirectory>(_directories.Count);
        foreach (var key in _directories.Keys)
        {
            if (!_open.TryGetValue(key, out var directory))
            {
                return false; // not open here: synced one by one, which also finds its file system
            }

            directories.Add(directory);
        }

        return SyncFileSystems(directories) == 0;
    }

    /// <summary>
    /// One <c>syncfs</c> per file system among <paramref name="directories"/> (a root may hold other mounts): 0, or the
    /// first errno.
    /// </summary>
    private static int SyncFileSystems(IEnumerable<ConfinedDirectory> directories)
    {
        var error = 0;
        var synced = new HashSet<long>();
        foreach (var directory in directories)
        {
            var device = directory.Device;
            if ((device == -1 || synced.Add(device)) && LibC.SyncFs(directory.Fd) != 0 && error == 0)
            {
                error = Marshal.GetLastPInvokeError();
            }
        }

        return error;
    }

    /// <summary>Waits until every queued sync of this batch has returned (their descriptors may be closed then).</summary>
    private void WaitForSyncs()
    {
        _syncing.Signal();
        _syncing.Wait();
        _syncing.Reset(1);
    }

    /// <summary>Drops the staged files (their temp names go, through the still open directories), then closes the directories.</summary>
    private void DisposeFiles()
    {
        WaitForSyncs();
        foreach (var pending in _files)
        {
            pending.File.Dispose();
        }

        foreach (var directory in _open.Values.Concat(_retired))
        {
            directory.Dispose();
        }

        _open.Clear();
        _retired.Clear();
    }

    private void Clear()
    {
        _wholeFileSystem = false;
        _writeback.Clear();
        _files.Clear();
        _paths.Clear();
        _directories.Clear();
    }

    private readonly record struct Pending(StagedFile File, Func<FileStat?, bool> StillSafe, Action<ApplyResult> Published, SyncJob? Sync);
}
