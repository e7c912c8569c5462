using System.Security.Cryptography;
using System.Text;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Applying;
using KubeSync.Engine.FileSystem;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Applying;

public sealed class FileApplierTests : IDisposable
{
    private static readonly FileMetadata Meta = new(0x1A4, 1_700_000_000_123_456_789, 0, 0);

    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly FileApplier _applier;

    public FileApplierTests()
    {
        _root = Directory.CreateDirectory(_dir.Combine("root")).FullName;
        _applier = new FileApplier(_root, new BackupStore(new BackupConfig(_dir.Combine("backup"), 3)), IgnoredMetadata.None);
    }

    public void Dispose() => _dir.Dispose();

    private Task<ApplyResult> Write(string path, string content, byte[]? hash = null, FileMetadata? meta = null) =>
        _applier.WriteFileAsync(SyncPath.Parse(path), meta ?? Meta, hash ?? SHA256.HashData(Encoding.UTF8.GetBytes(content)),
            (s, ct) => s.WriteAsync(Encoding.UTF8.GetBytes(content), ct).AsTask(), CancellationToken.None);

    private string[] TempFiles() => Directory.GetFiles(_root, FileApplier.TempPrefix + "*", SearchOption.AllDirectories);

    [Fact]
    public async Task WriteFile_NewPathDeepInTree_CreatesParentsAndSetsMetadata()
    {
        var result = await Write("etc/nginx/conf.d/site.conf", "server {}\n");

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        var full = Path.Combine(_root, "etc/nginx/conf.d/site.conf");
        Assert.Equal("server {}\n", File.ReadAllText(full));
        Assert.Equal(0, NativeFileSystem.TryStat(full, out var stat));
        Assert.Equal(Meta.MtimeNs, stat.MtimeNs);
        Assert.Equal(0x1A4, stat.Permissions);
        Assert.Equal(stat, result.Stat);
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task WriteFile_HashMismatch_DropsItAndKeepsTheOldFile()
    {
        await Write("a.conf", "old");
        var result = await Write("a.conf", "tampered", hash: SHA256.HashData("expected"u8));

        Assert.Equal(ApplyOutcome.HashMismatch, result.Outcome);
        Assert.Equal("old", File.ReadAllText(Path.Combine(_root, "a.conf")));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task WriteFile_WriterFails_OldFileIntactAndNoTempLeft()
    {
        await Write("a.conf", "old");
        await Assert.ThrowsAsync<IOException>(() => _applier.WriteFileAsync(SyncPath.Parse("a.conf"), Meta, new byte[32], async (s, ct) =>
        {
            await s.WriteAsync("partial"u8.ToArray(), ct);
            throw new IOException("peer went away");
        }, CancellationToken.None));

        Assert.Equal("old", File.ReadAllText(Path.Combine(_root, "a.conf")));
        Assert.Empty(TempFiles());
    }

    [Fact]
    public async Task WriteFile_ThroughSymlinkedDirectory_RefusedAndOutsideUntouched()
    {
        var outside = Directory.CreateDirectory(_dir.Combine("outside")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(_root, "escape"), outside);
        Directory.CreateDirectory(Path.Combine(_root, "deep"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "deep/up"), "../../outside");

        var direct = await Write("escape/passwd", "owned");
        var nested = await Write("deep/up/x/y", "owned");
        var delete = _applier.Delete(SyncPath.Parse("escape/keep"));

        Assert.Equal(ApplyOutcome.Refused, direct.Outcome);
        Assert.Contains("symlink", direct.Reason);
        Assert.Equal(ApplyOutcome.Refused, nested.Outcome);
        Assert.Equal(ApplyOutcome.Refused, delete.Outcome);
        Assert.Empty(Directory.GetFileSystemEntries(outside));
    }

    [Fact]
    public async Task WriteFile_OverSymlinkToOutside_ReplacesTheLinkNotItsTarget()
    {
        var victim = _dir.WriteFile("outside.txt", "precious");
        File.CreateSymbolicLink(Path.Combine(_root, "evil"), victim);

        var result = await Write("evil", "new content");

        Assert.Equal(ApplyOutcome.Applied, result.Outcome);
        Assert.Equal("precious", File.ReadAllText(victim));
        Assert.Equal(EntryType.File, result.Stat!.Value.Type);
    }

    [Fact]
    public async Task WriteFile_FiveVersionsWithThreeGenerations_BackupsRotateInOrder()
    {
        for (var i = 1; i <= 5; i++)
        {
            Assert.Equal(ApplyOutcome.Applied, (await Write("conf/app.conf", $"v{i}")).Outcome);
        }

        var backups = new BackupStore(new BackupConfig(_dir.Combine("backup"), 3));
        var path = SyncPath.Parse("conf/app.conf");
        Assert.Equal("v4", File.ReadAllText(backups.PathOf(path, 1)));
        Assert.Equal("v3", File.ReadAllText(backups.PathOf(path, 2)));
        Assert.Equal("v2", File.ReadAllText(backups.PathOf(path, 3)));
        Assert.False(File.Exists(backups.PathOf(path, 4)));
        Assert.Equal("v5", File.ReadAllText(Path.Combine(_root, "conf/app.conf")));
    }

    [Fact]
    public async Task Delete_FileDirectoryAndMissing_IdempotentAndSafe()
    {
        await Write("d/a", "a");
        Assert.Equal(ApplyOutcome.Failed, _applier.Delete(SyncPath.Parse("d")).Outcome);

        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("d/a")).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("d/a")).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("d")).Outcome);
        Assert.Equal(ApplyOutcome.Applied, _applier.Delete(SyncPath.Parse("never/was/here")).Outcome);
        Assert.False(Directory.Exists(Path.Combine(_root, "d")));
        Assert.Equal("a", File.ReadAllText(new BackupStore(new BackupConfig(_dir.Combine("backup"), 3)).PathOf(SyncPath.Parse("d/a"), 1)));
    }

    [Fact]
    public async Task CreateDirectoryAndSymlink_SetTypeAndMode()
    {
        var dir = _applier.CreateDirectory(SyncPath.Parse("html/img"), Meta with { Mode = 0x1C0 });
        var link = _applier.CreateSymlink(SyncPath.Parse("html/current"), "img", Meta);
        await Write("file", "x");
        var blocked = _applier.CreateDirectory(SyncPath.Parse("file"), Meta);

        Assert.Equal(ApplyOutcome.Applied, dir.Outcome);
        Assert.Equal(0x1C0, dir.Stat!.Value.Permissions);
        Assert.Equal(ApplyOutcome.Applied, link.Outcome);
        Assert.Equal("img", new FileInfo(Path.Combine(_root, "html/current")).LinkTarget);
        Assert.Equal(ApplyOutcome.Failed, blocked.Outcome);
        Assert.Empty(TempFiles());
    }
}
