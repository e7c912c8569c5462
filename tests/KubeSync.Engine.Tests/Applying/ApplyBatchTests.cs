using System.Security.Cryptography;
using System.Text;

using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Engine.Watching;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Applying;

public sealed class ApplyBatchTests : IDisposable
{
    private static readonly FileMetadata Meta = new(0x1A4, 1_700_000_000_123_456_789, 0, 0);

    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly FileApplier _applier;

    public ApplyBatchTests()
    {
        _root = Directory.CreateDirectory(_dir.Combine("root")).FullName;
        _applier = new FileApplier(_root, null, IgnoredMetadata.None);
    }

    public void Dispose() => _dir.Dispose();

    private async Task<StagedFile> Stage(string path, string content, ApplyBatch? cache = null)
    {
        var staged = await _applier.StageFileAsync(SyncPath.Parse(path), Meta, SHA256.HashData(Encoding.UTF8.GetBytes(content)),
            (s, ct) => s.WriteAsync(Encoding.UTF8.GetBytes(content), ct).AsTask(), CancellationToken.None, cache);
        Assert.Null(staged.Failure);
        return staged.File!;
    }

    private string[] TempFiles() => Directory.GetFiles(_root, FileApplier.TempPrefix + "*", SearchOption.AllDirectories);

    private string Read(string path) => File.ReadAllText(Path.Combine(_root, path));

    [Fact]
    public async Task Publish_StagedFilesAppearOnlyThenWithMetadata_CallbacksInOrder()
    {
        File.WriteAllText(Path.Combine(_root, "a.conf"), "old");
        using var batch = new ApplyBatch(_applier);
        var done = new List<(string Path, ApplyResult Result)>();
        foreach (var (path, content) in new[] { ("a.conf", "new a"), ("sub/b.conf", "new b"), ("sub/c.conf", "new c") })
        {
            batch.Add(await Stage(path, content), _ => true, r => done.Add((path, r)));
        }

        Assert.True(batch.Holds(SyncPath.Parse("sub/b.conf")));
        Assert.Equal("old", Read("a.conf"));
        Assert.False(File.Exists(Path.Combine(_root, "sub/b.conf")));
        Assert.Equal(3, TempFiles().Length);

        batch.Publish();

        Assert.Equal(["a.conf", "sub/b.conf", "sub/c.conf"], done.Select(d => d.Path));
        Assert.All(done, d => Assert.Equal(ApplyOutcome.Applied, d.Result.Outcome));
        Assert.Equal("new a", Read("a.conf"));
        Assert.Equal("new c", Read("sub/c.conf"));
        Assert.Equal(Meta.MtimeNs, done[1].Result.Stat!.Value.MtimeNs);
        Assert.Empty(TempFiles());
        Assert.True(batch.IsEmpty);
        Assert.False(batch.Holds(SyncPath.Parse("sub/b.conf")));
    }

    [Fact]
    public async Task Publish_ClosesTheTempFileBeforeItsRename_SoNoCloseEventNamesTheTarget()
    {
        var events = ReadEventsDuring(async () =>
        {
            using var batch = new ApplyBatch(_applier);
            batch.Add(await Stage("a.conf", "new a"), _ => true, _ => { });
            batch.Publish();
        });

        // The watcher drops the temp file's events by their name; one naming the target costs it a stat to know it as ours.
        Assert.Contains(events, e => e.Name == "a.conf" && (e.Mask & InotifyNative.InMovedTo) != 0);
        Assert.Contains(events, e => e.Name.StartsWith(FileApplier.TempPrefix, StringComparison.Ordinal) && (e.Mask & InotifyNative.InCloseWrite) != 0);
        Assert.DoesNotContain(events, e => e.Name == "a.conf" && (e.Mask & InotifyNative.InCloseWrite) != 0);
        Assert.Equal("new a", Read("a.conf"));
    }

    /// <summary>The inotify events of the root while <paramref name="work"/> runs (all queued by the time it returns).</summary>
    private unsafe List<(uint Mask, string Name)> ReadEventsDuring(Func<Task> work)
    {
        var fd = InotifyNative.InotifyInit1(InotifyNative.NonBlock | InotifyNative.CloExec);
        Assert.True(fd >= 0, "inotify_init1");
        using var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
        var root = Encoding.UTF8.GetBytes(_root + "\0");
        fixed (byte* p = root)
        {
            Assert.True(InotifyNative.InotifyAddWatch(fd, p, InotifyNative.InCloseWrite | InotifyNative.InMovedTo) >= 0, "inotify_add_watch");
        }

        work().GetAwaiter().GetResult();
        var events = new List<(uint, string)>();
        var buffer = new byte[64 * 1024];
        fixed (byte* b = buffer)
        {
            nint n;
            while ((n = InotifyNative.Read(fd, b, (nuint)buffer.Length)) > 0)
            {
                for (var at = 0; at < n;)
                {
                    var mask = BitConverter.ToUInt32(buffer, at + 4);
                    var length = BitConverter.ToInt32(buffer, at + 12);
                    var name = Encoding.UTF8.GetString(buffer, at + InotifyNative.EventHeaderSize, length).TrimEnd('\0');
                    events.Add((mask, name));
                    at += InotifyNative.EventHeaderSize + length;
                }
            }
        }

        return events;
    }

    [Fact]
    public async Task Publish_HeldReplacedFile_StaysOpenThroughTheRenameAndIsClosedAfter()
    {
        var target = Path.Combine(_root, "big.bin");
        File.WriteAllText(target, "old content");
        var replaced = File.OpenHandle(target);
        var inode = Inode(replaced);
        using var batch = new ApplyBatch(_applier);
        var staged = await Stage("big.bin", "new content");
        staged.HoldReplaced(replaced);
        bool? openAtRename = null;
        batch.Add(staged, now => (openAtRename = !replaced.IsClosed && now?.Inode == inode).Value, _ => { });

        batch.Publish();

        // Still open (and still the file at the target) when the rename was decided; closed after, off this thread.
        Assert.True(openAtRename);
        Assert.Equal("new content", Read("big.bin"));
        await Eventually.TrueAsync(() => replaced.IsClosed, "the replaced file's handle to be closed after the publish", TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Dispose_WithoutPublish_ClosesTheHeldReplacedFileAtOnce()
    {
        var target = Path.Combine(_root, "big.bin");
        File.WriteAllText(target, "old content");
        var replaced = File.OpenHandle(target);
        var batch = new ApplyBatch(_applier);
        var staged = await Stage("big.bin", "new content");
        staged.HoldReplaced(replaced);
        batch.Add(staged, _ => true, _ => { });

        batch.Dispose();

        Assert.True(replaced.IsClosed);
        Assert.Equal("old content", Read("big.bin"));
    }

    private static long Inode(Microsoft.Win32.SafeHandles.SafeFileHandle handle)
    {
        Assert.Equal(0, NativeFileSystem.TryStat(handle, out var stat));
        return stat.Inode;
    }

    [Fact]
    public async Task Publish_TargetChangedSinceStaging_StaleAndTheLocalWriteSurvives()
    {
        File.WriteAllText(Path.Combine(_root, "a.conf"), "old");
        using var batch = new ApplyBatch(_applier);
        ApplyResult? result = null;
        batch.Add(await Stage("a.conf", "from the peer"), _ => false, r => result = r);

        batch.Publish();

        Assert.Equal(ApplyOutcome.Stale, result!.Outcome);
        Assert.Equal("old", Read("a.conf"));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task Publish_StillSafeIsAskedWithWhatIsAtTheTargetNow()
    {
        using var batch = new ApplyBatch(_applier);
        var seen = new Dictionary<string, FileStat?>();
        batch.Add(await Stage("absent.conf", "new here"), now => { seen["absent.conf"] = now; return true; }, _ => { });
        batch.Add(await Stage("d/written.conf", "from the peer"), now => { seen["d/written.conf"] = now; return false; }, _ => { });
        File.WriteAllText(Path.Combine(_root, "d/written.conf"), "the app wrote this after the staging");

        batch.Publish();

        Assert.Null(seen["absent.conf"]);
        Assert.Equal(EntryType.File, seen["d/written.conf"]!.Value.Type);
        Assert.Equal(new FileInfo(Path.Combine(_root, "d/written.conf")).Length, seen["d/written.conf"]!.Value.Size);
        Assert.Equal("new here", Read("absent.conf"));
        Assert.Equal("the app wrote this after the staging", Read("d/written.conf"));
    }

    [Fact]
    public async Task Dispose_WithoutPublish_RemovesTempFilesAndCallsNothing()
    {
        var called = false;
        using (var batch = new ApplyBatch(_applier))
        {
            batch.Add(await Stage("a.conf", "never published"), _ => true, _ => called = true);
            batch.Add(await Stage("d/b.conf", "never published either"), _ => true, _ => called = true);
        }

        Assert.False(called);
        Assert.Empty(TempFiles());
        Assert.False(File.Exists(Path.Combine(_root, "a.conf")));
    }

    [Fact]
    public async Task Add_SamePathTwice_RefusedAndTheSecondTempRemoved()
    {
        using var batch = new ApplyBatch(_applier);
        batch.Add(await Stage("a.conf", "one"), _ => true, _ => { });
        var second = await Stage("a.conf", "two");

        Assert.Throws<InvalidOperationException>(() => batch.Add(second, _ => true, _ => { }));
        Assert.Single(TempFiles());
    }

    [Fact]
    public async Task Stage_HashMismatch_FailsWithoutATempFile()
    {
        var staged = await _applier.StageFileAsync(SyncPath.Parse("a.conf"), Meta, SHA256.HashData("expected"u8),
            (s, ct) => s.WriteAsync("tampered"u8.ToArray(), ct).AsTask(), CancellationToken.None);

        Assert.Null(staged.File);
        Assert.Equal(ApplyOutcome.HashMismatch, staged.Failure!.Outcome);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public void DeferredDirectoryAndDeletion_AppliedAtOnceAndBatchNotEmptyUntilPublished()
    {
        using var batch = new ApplyBatch(_applier);
        Assert.Equal(ApplyOutcome.Applied, _applier.CreateDirectory(SyncPath.Parse("x/y"), Meta with { Mode = 0x1ED }, batch).Outcome);
        File.WriteAllText(Path.Combine(_root, "gone.txt"), "bye");
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("gone.txt"), batch).Outcome);

        Assert.True(Directory.Exists(Path.Combine(_root, "x/y")));
        Assert.False(File.Exists(Path.Combine(_root, "gone.txt")));
        Assert.False(batch.IsEmpty);
        batch.Publish();
        Assert.True(batch.IsEmpty);
    }

    [Fact]
    public async Task CachedDirectories_RemovedAndRecreatedInOneBatch_NewFileLandsInTheNewDirectory()
    {
        using var batch = new ApplyBatch(_applier);
        var dirMeta = Meta with { Mode = 0x1ED };
        _applier.CreateDirectory(SyncPath.Parse("x"), dirMeta, batch);
        batch.Add(await Stage("x/one.conf", "one", batch), _ => true, _ => { });
        batch.Add(await Stage("x/two.conf", "two", batch), _ => true, _ => { });
        batch.Publish();

        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("x/one.conf"), batch).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("x/two.conf"), batch).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("x"), batch).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.CreateDirectory(SyncPath.Parse("x"), dirMeta, batch).Outcome);
        ApplyResult? result = null;
        batch.Add(await Stage("x/three.conf", "three", batch), _ => true, r => result = r);
        batch.Publish();

        Assert.Equal(ApplyOutcome.Applied, result!.Outcome);
        Assert.Equal("three", Read("x/three.conf"));
        Assert.Equal(["three.conf"], Directory.GetFiles(Path.Combine(_root, "x")).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Publish_ManyFilesInManyDirectories_SyncedConcurrently_AllLandInStagingOrder()
    {
        using var batch = new ApplyBatch(_applier);
        var done = new List<string>();
        for (var round = 0; round < 3; round++)
        {
            var paths = Enumerable.Range(0, 120).Select(i => $"d{i % 12}/r{round}-{i}.txt").ToList();
            foreach (var path in paths)
            {
                batch.Add(await Stage(path, $"content of {path}", batch), _ => true, r =>
                {
                    Assert.Equal(ApplyOutcome.Applied, r.Outcome);
                    done.Add(path);
                });
            }

            batch.Publish();

            Assert.Equal(paths, done.TakeLast(paths.Count));
            Assert.All(paths, p => Assert.Equal($"content of {p}", Read(p)));
            Assert.Empty(TempFiles());
        }
    }

    [Fact]
    public void StageFile_InMemoryContent_PublishedLikeAStreamedOne()
    {
        using var batch = new ApplyBatch(_applier);
        var content = Encoding.UTF8.GetBytes("inline content");
        var staged = _applier.StageFile(SyncPath.Parse("deep/er/inline.txt"), Meta, SHA256.HashData(content), content, batch);
        Assert.Null(staged.Failure);
        ApplyResult? result = null;
        batch.Add(staged.File!, _ => true, r => result = r);
        Assert.Single(TempFiles());

        batch.Publish();

        Assert.Equal(ApplyOutcome.Applied, result!.Outcome);
        Assert.Equal("inline content", Read("deep/er/inline.txt"));
        Assert.Equal(Meta.MtimeNs, result.Stat!.Value.MtimeNs);
        Assert.Empty(TempFiles());
    }

    [RootFact("needs root to give a file to another user")]
    public void StageFile_AnotherOwnerAndSetIdBits_AllLandOnThePublishedFile()
    {
        using var batch = new ApplyBatch(_applier);
        var content = "owned by someone else"u8.ToArray();
        var meta = new FileMetadata(0xDED, Meta.MtimeNs, 12_345, 23_456); // 06755: chown would clear the set-id bits
        var staged = _applier.StageFile(SyncPath.Parse("other.bin"), meta, SHA256.HashData(content), content, batch);
        ApplyResult? result = null;
        batch.Add(staged.File!, _ => true, r => result = r);

        batch.Publish();

        Assert.Equal(ApplyOutcome.Applied, result!.Outcome);
        Assert.Equal(0, NativeFileSystem.TryStat(Path.Combine(_root, "other.bin"), out var stat));
        Assert.Equal((12_345, 23_456, 0xDED, Meta.MtimeNs), (stat.Uid, stat.Gid, stat.Permissions, stat.MtimeNs));
        Assert.Equal(stat, result.Stat);
    }

    [RootFact("needs root to give a directory to another group")]
    public void StageFile_InASetGroupIdDirectory_GetsTheOfferedGroupNotTheDirectorys()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        File.SetUnixFileMode(dir, (UnixFileMode)0x5FD); // 02775
        Assert.Equal(0, RunChown(dir));
        using var batch = new ApplyBatch(_applier);
        var content = "ours"u8.ToArray();
        var staged = _applier.StageFile(SyncPath.Parse("shared/ours.txt"), Meta, SHA256.HashData(content), content, batch);
        ApplyResult? result = null;
        batch.Add(staged.File!, _ => true, r => result = r);

        batch.Publish();

        // A new file in the directory starts with the directory's group; the offer said group 0.
        Assert.Equal(0, NativeFileSystem.TryStat(Path.Combine(dir, "ours.txt"), out var stat));
        Assert.Equal((0, 0), (stat.Uid, stat.Gid));
        Assert.Equal(stat, result!.Stat);

        static int RunChown(string path)
        {
            using var chown = System.Diagnostics.Process.Start("chown", [":23456", path]);
            chown.WaitForExit();
            return chown.ExitCode;
        }
    }

    [Fact]
    public void StageFile_HashMismatch_CreatesNothing()
    {
        var staged = _applier.StageFile(SyncPath.Parse("new-dir/a.conf"), Meta, SHA256.HashData("expected"u8), "tampered"u8);

        Assert.Null(staged.File);
        Assert.Equal(ApplyOutcome.HashMismatch, staged.Failure!.Outcome);
        Assert.Empty(TempFiles());
        Assert.False(Directory.Exists(Path.Combine(_root, "new-dir")));
    }

    [RootFact]
    public async Task Publish_BulkBatchAcrossTwoFileSystems_EveryFileLandsOnBoth()
    {
        // A root may hold another mount (a volume inside the synced tree): a bulk batch syncs each file system.
        var mounted = Directory.CreateDirectory(Path.Combine(_root, "mnt")).FullName;
        await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "kubesync-test", mounted);
        try
        {
            using var batch = new ApplyBatch(_applier);
            var paths = Enumerable.Range(0, 3 * (ApplyBatch.FileSyncLimit + 1)).Select(i => i % 2 == 0 ? $"disk/f{i}.txt" : $"mnt/f{i}.txt").ToList();
            var outcomes = new List<ApplyOutcome>();
            foreach (var path in paths)
            {
                batch.Add(await Stage(path, $"content of {path}", batch), _ => true, r => outcomes.Add(r.Outcome));
            }

            batch.Publish();

            Assert.Equal(Enumerable.Repeat(ApplyOutcome.Applied, paths.Count), outcomes);
            Assert.All(paths, p => Assert.Equal($"content of {p}", Read(p)));
            Assert.Empty(TempFiles());
        }
        finally
        {
            await RunAsync("umount", mounted);
        }
    }

    private static async Task RunAsync(string command, params string[] args)
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(command, args) { RedirectStandardError = true })!;
        var error = await process.StandardError.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(30));
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(process.ExitCode == 0, $"{command} {string.Join(' ', args)} failed: {error}");
    }
}
