using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Engine.Watching;
using KubeSync.Testing;

using Microsoft.Extensions.Logging;

namespace KubeSync.Engine.Tests.Watching;

/// <summary>Real inotify on temp directories; every wait polls with a deadline.</summary>
public sealed partial class InotifyWatcherTests : IAsyncDisposable
{
    private const int ENOSPC = 28;
    private const int EMFILE = 24;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly WatchFixture _f = new();

    public ValueTask DisposeAsync() => _f.DisposeAsync();

    [Fact]
    public async Task Write_NewAndModifiedFile_AreRecorded()
    {
        _f.Write("keep.conf", "one");
        var watcher = _f.Start();
        Assert.Equal(WatchState.Watching, watcher.State);

        _f.Write("a.conf", "hello");
        File.WriteAllText(_f.Full("keep.conf"), "two, longer");

        await Eventually.TrueAsync(() => _f.IsLive("a.conf") && _f.Row("keep.conf")!.Size == 11, "a.conf recorded and keep.conf changed", Deadline);
        Assert.Equal(Sha("hello"), _f.Row("a.conf")!.HashHex);
    }

    [Fact]
    public async Task Rename_File_OldPathDeletedNewPathRecorded()
    {
        _f.Write("dir/old.conf", "content");
        _f.Start();

        File.Move(_f.Full("dir/old.conf"), _f.Full("dir/new.conf"));

        await Eventually.TrueAsync(() => _f.IsTombstone("dir/old.conf") && _f.IsLive("dir/new.conf"), "rename recorded", Deadline);
    }

    [Fact]
    public async Task Delete_FileAndDirectory_BecomeTombstones()
    {
        _f.Write("gone.conf", "x");
        _f.Write("tree/a/b.conf", "y");
        _f.Start();

        File.Delete(_f.Full("gone.conf"));
        Directory.Delete(_f.Full("tree"), recursive: true);

        await Eventually.TrueAsync(() => _f.IsTombstone("gone.conf") && _f.IsTombstone("tree") && _f.IsTombstone("tree/a") && _f.IsTombstone("tree/a/b.conf"), "deletions recorded", Deadline);
    }

    [Fact]
    public async Task Mkdir_FilesWrittenImmediatelyInside_AllFound()
    {
        _f.Start();

        Directory.CreateDirectory(_f.Full("new"));
        var files = Enumerable.Range(0, 30).Select(i => $"new/f{i}.conf").ToList();
        foreach (var file in files)
        {
            File.WriteAllText(_f.Full(file), file);
        }

        await _f.AllLiveAsync(files.Append("new"), "every file of the new directory");
    }

    [Fact]
    public async Task MkdirP_NestedDirectoriesWithFiles_AllFoundAndWatched()
    {
        var watcher = _f.Start();

        Directory.CreateDirectory(_f.Full("a/b/c/d"));
        string[] files = ["a/1.conf", "a/b/2.conf", "a/b/c/3.conf", "a/b/c/d/4.conf"];
        foreach (var file in files)
        {
            File.WriteAllText(_f.Full(file), file);
        }

        await _f.AllLiveAsync(files.Concat(["a", "a/b", "a/b/c", "a/b/c/d"]), "the nested tree");
        await Eventually.TrueAsync(() => watcher.WatchCount == 5, "a watch on the root and each new directory", Deadline);

        // The deepest directory is watched: a later write there is found too.
        _f.Write("a/b/c/d/5.conf", "later");
        await Eventually.TrueAsync(() => _f.IsLive("a/b/c/d/5.conf"), "a file written later in the deepest directory", Deadline);
    }

    [Fact]
    public async Task MovedInDirectory_IsScannedAndWatched()
    {
        var outside = Directory.CreateTempSubdirectory("kubesync-outside-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(outside, "x.conf"), "x");
            _f.Start();

            Directory.Move(outside, _f.Full("moved"));
            await _f.AllLiveAsync(["moved", "moved/x.conf"], "the moved-in directory and its file");

            _f.Write("moved/y.conf", "y");
            await Eventually.TrueAsync(() => _f.IsLive("moved/y.conf"), "a file written in the moved-in directory", Deadline);
        }
        finally
        {
            if (Directory.Exists(outside))
            {
                Directory.Delete(outside, recursive: true);
            }
        }
    }

    [Fact]
    public async Task ExcludedPaths_StateDirAndTempFiles_ProduceNothing()
    {
        Directory.CreateDirectory(_f.Full("sub"));
        var watcher = _f.Start();

        _f.Write(".kubesync/other.db", "state");
        _f.Write(".kubesync-123.tmp", "partial");
        _f.Write("sub/.kubesync-456.tmp", "partial");
        File.Move(_f.Full("sub/.kubesync-456.tmp"), _f.Full("sub/.kubesync-789.tmp"));
        _f.Write("marker.conf", "after");

        await Eventually.TrueAsync(() => _f.IsLive("marker.conf"), "the marker written after the excluded paths", Deadline);
        var requested = _f.Requests.SelectMany(r => r.Paths ?? []).Select(p => p.Value).ToList();
        Assert.Equal(["marker.conf"], requested);
        Assert.Null(_f.Row(".kubesync-123.tmp"));
        Assert.Null(_f.Row("sub/.kubesync-789.tmp"));
        Assert.Equal(2, watcher.WatchCount); // the root and sub, not the state directory
    }

    [Fact]
    public async Task Burst_ManyWritesInQuickSuccession_CoalescedIntoFewScans()
    {
        var watcher = _f.Start(debounce: TimeSpan.FromMilliseconds(200));
        var files = Enumerable.Range(0, 200).Select(i => $"burst{i}.conf").ToList();
        foreach (var file in files)
        {
            File.WriteAllText(_f.Full(file), file);
        }

        await _f.AllLiveAsync(files, "every file of the burst");
        var paths = _f.Requests.SelectMany(r => r.Paths ?? []).ToList();
        Assert.InRange(watcher.Flushes, 1, 5);
        Assert.Equal(paths.Count, paths.Distinct().Count());
    }

    [Fact]
    public async Task Burst_ReadAfterAPause_EveryFileFoundInFewReads()
    {
        // Half a second between reads (the pause never outlasts a due flush, so the debounce is longer). The writer
        // spaces its 40 files by 5 ms, so a reader that woke for every event would wake about 40 times.
        var watcher = _f.Start(debounce: TimeSpan.FromSeconds(1), burstPause: TimeSpan.FromMilliseconds(500));
        var files = Enumerable.Range(0, 40).Select(i => $"paced{i}.conf").ToList();
        foreach (var file in files)
        {
            File.WriteAllText(_f.Full(file), file);
            await Task.Delay(5); // the workload's pace, not a wait for anything
        }

        await _f.AllLiveAsync(files, "every file of the burst");
        Assert.InRange(watcher.EventReads, 1, 10);
    }

    [Fact]
    public async Task Stop_DuringABurstPause_DoesNotWaitItOut()
    {
        // While a scan runs the loop waits up to IdleWake, so with both at an hour a pause after a burst read lasts an hour.
        var watcher = _f.Start(burstPause: TimeSpan.FromHours(1), idleWake: TimeSpan.FromHours(1));
        await _f.Gate.WaitAsync(Deadline); // holds the scan the first change starts
        try
        {
            _f.Write("first.conf", "read at once");
            await Eventually.TrueAsync(() => _f.Requests.Count == 1, "the first change handed to the scanner", Deadline);

            // The first read is never in a burst, the second always is, and the loop pauses after it: that second read
            // is either the first file's IN_CLOSE_WRITE (when its IN_CREATE was read alone) or the second file's events.
            _f.Write("second.conf", "read in a burst, then the loop pauses");
            await Eventually.TrueAsync(() => watcher.EventReads >= 2, "a second read, after which the loop pauses", Deadline);

            await watcher.DisposeAsync().AsTask().WaitAsync(Deadline);
            Assert.True(watcher.ReadingEnded.IsCompleted, "the stop woke the pausing loop, which ended");
        }
        finally
        {
            _f.Gate.Release();
        }
    }

    [Fact]
    public async Task Overflow_Injected_RescansEverythingAndWatchesAgain()
    {
        _f.Write("sub/a.conf", "a");
        var watcher = _f.Start();
        var watches = watcher.WatchCount;

        watcher.Inject(InotifyNative.InQOverflow);

        await Eventually.TrueAsync(() => watcher.Overflows == 1 && _f.Requests.Any(r => r.Paths is null), "a full rescan after the overflow", Deadline);
        Assert.Equal(WatchState.Watching, watcher.State);
        Assert.Equal(watches, watcher.WatchCount);
        Assert.Contains(_f.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("overflowed", StringComparison.Ordinal));

        _f.Write("sub/b.conf", "b");
        await Eventually.TrueAsync(() => _f.IsLive("sub/b.conf"), "a change after the watches were re-established", Deadline);
    }

    [Fact]
    public void WatchLimit_AtStart_FallsBackToPeriodicScanningAndWarnsOnce()
    {
        Directory.CreateDirectory(_f.Full("deep/er"));
        Directory.CreateDirectory(_f.Full("other"));

        var watcher = _f.Start(addWatchFault: d => d?.Value.StartsWith("deep", StringComparison.Ordinal) == true ? ENOSPC : 0);

        Assert.Equal(WatchState.PeriodicFallback, watcher.State);
        Assert.Equal(1, watcher.WatchLimitHits);
        Assert.Equal(0, watcher.WatchCount);
        Assert.True(watcher.Completion.IsCompletedSuccessfully);
        var warning = Assert.Single(_f.Log.Lines, l => l.Level == LogLevel.Warning);
        Assert.Contains("sysctl fs.inotify.max_user_watches", warning.Message, StringComparison.Ordinal);
        Assert.Contains(File.ReadAllText("/proc/sys/fs/inotify/max_user_watches").Trim(), warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchLimit_ForANewDirectory_FallsBackAfterOneFullScan()
    {
        var watcher = _f.Start(addWatchFault: d => d?.Value == "late" ? ENOSPC : 0);
        Assert.Equal(WatchState.Watching, watcher.State);

        Directory.CreateDirectory(_f.Full("late"));
        _f.Write("late/file.conf", "x");

        await Eventually.TrueAsync(() => watcher.State == WatchState.PeriodicFallback && _f.Requests.Any(r => r.Paths is null), "fallback with one full scan", Deadline);
        await watcher.Completion.WaitAsync(Deadline);
        await Eventually.TrueAsync(() => _f.IsLive("late/file.conf"), "the file found by the last full scan", Deadline);
        Assert.Equal(1, watcher.WatchLimitHits);
        Assert.Single(_f.Log.Lines, l => l.Message.Contains("max_user_watches", StringComparison.Ordinal));
    }

    [Fact]
    public void InitFailure_Emfile_FallsBackAndNamesTheInstanceLimit()
    {
        var watcher = _f.Start(initFault: () => EMFILE);

        Assert.Equal(WatchState.PeriodicFallback, watcher.State);
        Assert.Equal(1, watcher.WatchLimitHits);
        Assert.Contains(_f.Log.Lines, l => l.Message.Contains("fs.inotify.max_user_instances", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AppliedWrite_RecordedUnderTheGate_ProducesNoNewLocalVersion()
    {
        _f.Write("applied.conf", "old");
        var watcher = _f.Start();
        var group = _f.Files.Group;
        var applier = new FileApplier(group.Root, null, IgnoredMetadata.None);
        var path = SyncPath.Parse("applied.conf");
        var content = "from a peer"u8.ToArray();
        var version = VersionVector.Parse("web-1:3");
        long seq;
        var flushes = watcher.Flushes;

        // As a peer session does: apply and record the new stat while holding the gate.
        await _f.Gate.WaitAsync(Deadline);
        try
        {
            var result = await applier.WriteFileAsync(path, new FileMetadata(0x1A4, 1_700_000_000_000_000_000, (int)Getuid(), (int)Getgid()), SHA256.HashData(content),
                (s, ct) => s.WriteAsync(content, ct).AsTask(), CancellationToken.None);
            Assert.Equal(ApplyOutcome.Applied, result.Outcome);
            using var batch = group.Store.BeginBatch();
            batch.RecordReceived(path, EntryType.File, version, false, SHA256.HashData(content), null, result.Stat, "web-1");
            batch.Commit();
            seq = group.Store.LastSeq;
        }
        finally
        {
            _f.Gate.Release();
        }

        await Eventually.TrueAsync(() => watcher.Flushes > flushes, "the watcher scanned the applied file", Deadline);
        Assert.Contains(_f.Requests, r => r.Paths?.Contains(path) == true);
        Assert.Equal("web-1:3", _f.Row("applied.conf")!.Version.ToString());
        Assert.Equal(seq, _f.Read(s => s.LastSeq));
    }

    [Fact]
    public async Task OwnWrites_FileDirectoryAndDeletionByTheApplier_NotScannedButAnAppWriteAfterIs()
    {
        _f.Write("gone.conf", "to delete");
        var applier = new FileApplier(_f.Files.Group.Root, null, IgnoredMetadata.None);
        _f.Start(ownWrites: applier.Writes);
        var content = "from a peer"u8.ToArray();
        var meta = new FileMetadata(0x1A4, 1_700_000_000_000_000_000, (int)Getuid(), (int)Getgid());

        Assert.Equal(ApplyOutcome.Applied, applier.CreateDirectory(SyncPath.Parse("made"), meta with { Mode = 0x1ED }).Outcome);
        Assert.Equal(ApplyOutcome.Applied, (await applier.WriteFileAsync(SyncPath.Parse("made/applied.conf"), meta, SHA256.HashData(content), (s, ct) => s.WriteAsync(content, ct).AsTask(), CancellationToken.None)).Outcome);
        Assert.Equal(ApplyOutcome.Applied, applier.Delete(SyncPath.Parse("gone.conf")).Outcome);
        _f.Write("sentinel.conf", "the app's");
        await Eventually.TrueAsync(() => _f.IsLive("sentinel.conf"), "the app's write after the applier's scanned", Deadline);

        Assert.DoesNotContain(_f.Requests, r => r.Paths?.Any(p => p.Value is "made/applied.conf" or "gone.conf") == true);

        // The app rewrites the applied file: no longer what the applier left, so it is scanned.
        File.WriteAllText(_f.Full("made/applied.conf"), "the app's edit");
        await Eventually.TrueAsync(() => _f.IsLive("made/applied.conf"), "the app's edit of an applied file scanned", Deadline);
    }

    [Fact]
    public async Task OwnWrites_DirectoryRecordedAfterItsEventWasRead_NotScannedAtTheFlush()
    {
        var applier = new FileApplier(_f.Files.Group.Root, null, IgnoredMetadata.None);
        var watcher = _f.Start(debounce: TimeSpan.FromSeconds(3), ownWrites: applier.Writes);
        var watches = watcher.WatchCount;

        // A change first, so that the directory comes within the debounce after it: a burst, flushed after the quiet
        // debounce, not a leading change flushed at once (which would come before the applier's record).
        _f.Write("first.conf", "the app's");
        await Eventually.TrueAsync(() => _f.IsLive("first.conf"), "the leading change scanned", Deadline);

        // The applier's mkdir: its event is read (the new directory gets its watch) before the applier records it.
        Directory.CreateDirectory(_f.Full("late"));
        await Eventually.TrueAsync(() => watcher.WatchCount > watches, "the new directory watched", Deadline);
        Assert.Equal(0, NativeFileSystem.TryStat(_f.Full("late"), out var stat));
        applier.Writes.Record(SyncPath.Parse("late"), stat);
        _f.Write("sentinel.conf", "the app's");
        await Eventually.TrueAsync(() => _f.IsLive("sentinel.conf"), "the flush with the directory's event scanned", Deadline);

        Assert.DoesNotContain(_f.Requests, r => r.Paths?.Any(p => p.Value == "late") == true);
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint Getuid();

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "getgid")]
    private static partial uint Getgid();
}
