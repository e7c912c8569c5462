using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.Scanning;

namespace KubeSync.Engine.Tests.Scanning;

public sealed class ScannerTests : IDisposable
{
    private readonly ScanFixture _f = new();

    public void Dispose() => _f.Dispose();

    [Fact]
    public void Scan_NewTree_RecordsFilesDirectoriesAndSymlinks()
    {
        _f.Write("etc/nginx/nginx.conf", "worker_processes 1;\n");
        _f.Write("html/index.html", "<h1>hi</h1>\n");
        File.CreateSymbolicLink(_f.Full("html/current"), "index.html");
        File.CreateSymbolicLink(_f.Full("escape"), "/etc/passwd");

        var result = _f.Scan();

        Assert.Equal(["escape", "etc", "etc/nginx", "etc/nginx/nginx.conf", "html", "html/current", "html/index.html"], _f.LivePaths());
        Assert.Equal(7, result.Created);
        Assert.Equal(2, result.Hashed);
        var conf = _f.Row("etc/nginx/nginx.conf")!;
        Assert.Equal(EntryType.File, conf.Type);
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("worker_processes 1;\n"u8)), conf.HashHex);
        Assert.Equal("web-0:1", conf.Version.ToString());
        var link = _f.Row("escape")!;
        Assert.Equal(EntryType.Symlink, link.Type);
        Assert.Equal("/etc/passwd", link.LinkTarget);
        Assert.Null(link.Hash);
        Assert.Equal(EntryType.Directory, _f.Row("etc")!.Type);
        Assert.Equal(14, _f.Store.ReadDirty().Count);
    }

    [Fact]
    public void Scan_NothingChanged_HashesNothing()
    {
        for (var i = 0; i < 50; i++)
        {
            _f.Write($"d{i % 5}/f{i}.txt", $"content {i}");
        }

        _f.Scan();
        var seq = _f.Store.LastSeq;
        var again = _f.Scan();

        Assert.Equal(55, again.Entries);
        Assert.Equal(0, again.Hashed);
        Assert.Equal(0, again.Changed);
        Assert.Equal(seq, _f.Store.LastSeq);
    }

    [Fact]
    public void Scan_ModifiedTouchedDeleted_EachBecomesANewVersion()
    {
        _f.Write("a.conf", "one");
        _f.Write("b.conf", "two");
        _f.Write("c.conf", "three");
        _f.Write("keep.conf", "same");
        _f.Scan();

        _f.Write("a.conf", "ONE");
        File.SetLastWriteTimeUtc(_f.Full("b.conf"), DateTime.UtcNow.AddHours(-3));
        File.Delete(_f.Full("c.conf"));
        var result = _f.Scan();

        Assert.Equal(2, result.Modified);
        Assert.Equal(1, result.Deleted);
        Assert.Equal(2, result.Hashed);
        Assert.Equal("web-0:2", _f.Row("a.conf")!.Version.ToString());
        Assert.Equal("web-0:2", _f.Row("b.conf")!.Version.ToString());
        Assert.True(_f.Row("c.conf")!.Deleted);
        Assert.Equal("web-0:1", _f.Row("keep.conf")!.Version.ToString());
    }

    [Fact]
    public void Scan_ModeChange_IsAChangeUnlessIgnored()
    {
        _f.Write("run.sh", "#!/bin/sh\n");
        _f.Scan();
        File.SetUnixFileMode(_f.Full("run.sh"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(1, _f.Scan().Modified);
        Assert.Equal(0x1C0, _f.Row("run.sh")!.Mode);

        using var ignoring = new ScanFixture("ignore: [mode]");
        ignoring.Write("run.sh", "#!/bin/sh\n");
        ignoring.Scan();
        File.SetUnixFileMode(ignoring.Full("run.sh"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var result = ignoring.Scan();
        Assert.Equal(0, result.Modified);
        Assert.Equal(1, result.Refreshed);
    }

    [Fact]
    public void Scan_RemovedDirectory_TombstonesEverythingBelow()
    {
        _f.Write("site/a/1.html", "1");
        _f.Write("site/a/2.html", "2");
        _f.Write("site-b.html", "b");
        _f.Scan();
        Directory.Delete(_f.Full("site"), recursive: true);

        var result = _f.Scan();

        Assert.Equal(4, result.Deleted);
        Assert.Equal(["site-b.html"], _f.LivePaths());
    }

    [Fact]
    public void Scan_Rename_IsDeleteAndCreate()
    {
        _f.Write("old.conf", "x");
        _f.Scan();
        File.Move(_f.Full("old.conf"), _f.Full("new.conf"));
        var result = _f.Scan();
        Assert.Equal(1, result.Created);
        Assert.Equal(1, result.Deleted);
        Assert.Equal(1, result.Hashed);
    }

    [Fact]
    public void Scan_InitRun_RecordsWithoutDirty()
    {
        _f.Write("a", "x");
        var result = _f.Scan(new ScanRequest(Init: true));
        Assert.Equal(1, result.Created);
        Assert.Empty(_f.Store.ReadDirty());
        _f.Write("a", "changed");
        _f.Scan();
        Assert.Equal(2, _f.Store.ReadDirty().Count);
    }

    [Fact]
    public void Scan_ExcludedAndStateDirectory_NotRecorded()
    {
        using var f = new ScanFixture("""exclude: ["*~", ".*", "/cache"]""");
        f.Write("a.conf", "a");
        f.Write("a.conf~", "backup");
        f.Write(".git/config", "x");
        f.Write("cache/blob", "x");
        f.Write("sub/.hidden", "x");
        f.Scan();
        Assert.Equal(["a.conf", "sub"], f.LivePaths());
        Assert.True(File.Exists(Path.Combine(f.Root, ".kubesync", "state.db")));
    }

    [Fact]
    public void Scan_PathNewlyExcluded_IsForgottenNotDeleted()
    {
        _f.Write("a.conf", "a");
        _f.Write("tmp/x", "x");
        _f.Scan();
        _f.ConfigYaml = _f.GroupYaml("""exclude: ["/tmp"]""");
        _f.Reopen();

        var result = _f.Scan();

        Assert.Equal(0, result.Deleted);
        Assert.Equal(2, result.Forgotten);
        Assert.Null(_f.Row("tmp/x"));
        Assert.DoesNotContain(_f.Store.ReadDirty(), d => d.Path.Value.StartsWith("tmp", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_UnsyncableNames_CountedAndSkipped()
    {
        _f.Write("good", "g");
        _f.CreateRawName([0x62, 0x61, 0x64, 0xFF]);
        File.WriteAllText(_f.Full("new\nline"), "x");
        _f.MakeFifo("pipe");

        var result = _f.Scan();

        Assert.Equal(["good"], _f.LivePaths());
        Assert.Equal(2, result.Problems[ScanProblem.InvalidName]);
        Assert.Equal(1, result.Problems[ScanProblem.Unsupported]);
        Assert.Contains(result.ProblemLines, l => l.Contains("not valid UTF-8", StringComparison.Ordinal));
        Assert.Contains(result.ProblemLines, l => l.Contains("newline", StringComparison.Ordinal));
    }

    [Fact]
    public void Scan_SymlinkLoops_AreRecordedNotFollowed()
    {
        Directory.CreateDirectory(_f.Full("d"));
        File.CreateSymbolicLink(_f.Full("d/self"), ".");
        File.CreateSymbolicLink(_f.Full("d/up"), "..");
        File.CreateSymbolicLink(_f.Full("a"), "b");
        File.CreateSymbolicLink(_f.Full("b"), "a");

        var result = _f.Scan();

        Assert.Equal(["a", "b", "d", "d/self", "d/up"], _f.LivePaths());
        Assert.Equal(0, result.ProblemCount);
    }

    [Fact]
    public void Scan_PathsNonRecursive_OnlyThoseEntries()
    {
        _f.Write("dir/a", "a");
        _f.Write("dir/b", "b");
        _f.Write("other", "o");
        var result = _f.Scan(new ScanRequest([SyncPath.Parse("dir"), SyncPath.Parse("other")], Recursive: false));
        Assert.Equal(["dir", "other"], _f.LivePaths());
        Assert.Equal(2, result.Created);

        _f.Scan(new ScanRequest([SyncPath.Parse("dir")], Recursive: true));
        Assert.Equal(["dir", "dir/a", "dir/b", "other"], _f.LivePaths());

        File.Delete(_f.Full("dir/a"));
        File.Delete(_f.Full("other"));
        var partial = _f.Scan(new ScanRequest([SyncPath.Parse("dir")], Recursive: true));
        Assert.Equal(1, partial.Deleted);
        Assert.False(_f.Row("other")!.Deleted);
    }

    [Fact]
    public void Scan_FreshlyWrittenFile_IsRacyAndHashedAgainUntilSettled()
    {
        _f.Clock.Set(DateTimeOffset.UtcNow);
        _f.Write("hot", "x");
        _f.Scan();
        Assert.True(_f.Row("hot")!.Racy);

        _f.Clock.Advance(TimeSpan.FromMinutes(1));
        var again = _f.Scan();
        Assert.Equal(1, again.Hashed);
        Assert.Equal(0, again.Changed);
        Assert.Equal(1, again.Refreshed);
        Assert.False(_f.Row("hot")!.Racy);
        Assert.Equal(0, _f.Scan().Hashed);
    }

    [Fact]
    public void Scan_LongScan_ReportsGrowingProgress()
    {
        for (var i = 0; i < 3000; i++)
        {
            _f.Write($"d{i % 3}/f{i}", "x");
        }

        var seen = new List<long>();
        var scanner = new Scanner(_f.Group, time: _f.Clock) { ProgressInterval = TimeSpan.Zero };
        var result = scanner.Scan(ScanRequest.Full, progress: p => seen.Add(p.Entries));

        Assert.Equal([1024L, 2048L], seen);
        Assert.Equal(3003, result.Entries);
    }

    [Fact]
    public void Flush_FileVanishedBeforeHashing_IsNotRecordedNorAProblem()
    {
        var full = _f.Write("gone", "x");
        Assert.Equal(0, NativeFileSystem.TryStat(full, out var stat));
        var result = new ScanResult();
        var writer = new ScanWriter(_f.Group, result, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, init: false, 0);
        writer.Observe(new WalkItem.Entry(SyncPath.Parse("gone"), stat, null), null);
        File.Delete(full);

        writer.Flush();

        Assert.Null(_f.Row("gone"));
        Assert.Equal(0, result.ProblemCount);
    }

    [Fact]
    public void Scan_FileVanishedAfterRecording_BecomesTombstoneViaHasher()
    {
        var full = _f.Write("gone", "x");
        _f.Scan();
        Assert.Equal(0, NativeFileSystem.TryStat(full, out var stat));
        var result = new ScanResult();
        var writer = new ScanWriter(_f.Group, result, Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance, init: false, 0);
        writer.Observe(new WalkItem.Entry(SyncPath.Parse("gone"), stat with { Size = 99 }, null), null);
        File.Delete(full);

        writer.Flush();

        Assert.True(_f.Row("gone")!.Deleted);
        Assert.Equal(1, result.Deleted);
    }

    /// <summary>
    /// A large file whose size or mtime changed is a new version whatever it holds: the scan records it without reading
    /// it (the first transfer hashes it), and the next scan hashes it without a new version. An init run owes nothing
    /// and hashes at once; so does a scan of a large file whose stat is the row's (only its inode changed).
    /// </summary>
    [Fact]
    public void Scan_LargeFileChanged_NewVersionWithHashPending_NextScanHashesWithoutANewVersion()
    {
        var content = new byte[ScanWriter.HashLaterFrom];
        content[0] = 1;
        var full = _f.Full("big.bin");
        File.WriteAllBytes(full, content);
        _f.Write("small.txt", "small");
        var created = _f.Scan();
        Assert.Equal(2, created.Created);
        Assert.Equal(1, created.Hashed); // the small file only
        var row = _f.Row("big.bin")!;
        Assert.True(row.HashPending);
        Assert.Equal(content.Length, row.Size);
        Assert.Equal("web-0:1", row.Version.ToString());
        Assert.Equal(2, _f.Store.ReadDirty().Count(d => d.Path.Value == "big.bin")); // owed to both peers already

        var hashed = _f.Scan();
        Assert.Equal(1, hashed.Hashed);
        Assert.Equal(0, hashed.Changed);
        Assert.Equal(1, hashed.Refreshed);
        row = _f.Row("big.bin")!;
        Assert.False(row.HashPending);
        Assert.Equal(System.Security.Cryptography.SHA256.HashData(content), row.Hash);
        Assert.Equal("web-0:1", row.Version.ToString());
        Assert.Equal(0, _f.Scan().Hashed);

        // Changed in place with a new mtime: the next version, pending again.
        content[^1] = 2;
        File.WriteAllBytes(full, content);
        File.SetLastWriteTimeUtc(full, DateTime.UtcNow.AddHours(-1));
        var modified = _f.Scan();
        Assert.Equal(1, modified.Modified);
        Assert.Equal(0, modified.Hashed);
        Assert.True(_f.Row("big.bin")!.HashPending);
        Assert.Equal("web-0:2", _f.Row("big.bin")!.Version.ToString());
    }

    [Fact]
    public void Scan_LargeFile_InitRunAndSameStat_HashAtOnce()
    {
        var full = _f.Full("big.bin");
        File.WriteAllBytes(full, new byte[ScanWriter.HashLaterFrom]);
        var now = DateTime.UtcNow;
        var mtime = new DateTime(now.Ticks - (now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc).AddHours(-1); // whole seconds survive SetLastWriteTime
        File.SetLastWriteTimeUtc(full, mtime);
        var init = _f.Scan(new ScanRequest(Init: true));
        Assert.Equal(1, init.Hashed);
        Assert.False(_f.Row("big.bin")!.HashPending);

        // Replaced by a copy with the same size and mtime: a new inode, looked at, hashed, the same content.
        File.Copy(full, full + ".new");
        File.SetLastWriteTimeUtc(full + ".new", mtime);
        File.Move(full + ".new", full, overwrite: true);
        var replaced = _f.Scan();
        Assert.Equal(1, replaced.Hashed);
        Assert.Equal(0, replaced.Changed);
        Assert.False(_f.Row("big.bin")!.HashPending);
    }

    /// <summary>A transfer's hash fills a pending row only while the row is that change and the file the one it records.</summary>
    [Fact]
    public void FillHash_OnlyThePendingRowAsRecorded()
    {
        var full = _f.Full("big.bin");
        File.WriteAllBytes(full, new byte[ScanWriter.HashLaterFrom]);
        _f.Scan();
        var row = _f.Row("big.bin")!;
        Assert.Equal(0, NativeFileSystem.TryStat(full, out var stat));
        var hash = System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(full));

        using (var batch = _f.Store.BeginBatch())
        {
            Assert.False(batch.FillHash(row.Path, row.Seq + 1, stat, hash));
            Assert.False(batch.FillHash(row.Path, row.Seq, stat with { MtimeNs = stat.MtimeNs + 1 }, hash));
            Assert.False(batch.FillHash(row.Path, row.Seq, stat with { Inode = stat.Inode + 1 }, hash));
            Assert.True(batch.FillHash(row.Path, row.Seq, stat, hash));
            Assert.False(batch.FillHash(row.Path, row.Seq, stat, new byte[32])); // filled already
            batch.Commit();
        }

        Assert.Equal(hash, _f.Row("big.bin")!.Hash);
        Assert.Equal(row.Version, _f.Row("big.bin")!.Version);
        Assert.Equal(row.Seq, _f.Row("big.bin")!.Seq);
        Assert.Equal(0, _f.Scan().Hashed);
    }
}
