using System.Diagnostics;

using KubeSync.Engine.Watching;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Watching;

/// <summary>Real inotify on a temp directory laid out as a plain file or as a ConfigMap volume.</summary>
public sealed class ConfigFileWatcherTests : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(15);

    private readonly TempDirectory _dir = new("kubesync-config-");
    private int _changes;

    public void Dispose() => _dir.Dispose();

    private int Changes => Volatile.Read(ref _changes);

    private ConfigFileWatcher Start(string file)
    {
        var watcher = new ConfigFileWatcher(file, () => Interlocked.Increment(ref _changes)) { Quiet = TimeSpan.FromMilliseconds(20) };
        Assert.True(watcher.Start());
        return watcher;
    }

    [Fact]
    public async Task ReplacedByRename_ReportedOnce()
    {
        var file = _dir.WriteFile("kubesync.yaml", "node: a\n");
        using var watcher = Start(file);

        _dir.WriteFile("kubesync.yaml.tmp", "node: b\n");
        File.Move(_dir.Combine("kubesync.yaml.tmp"), file, overwrite: true);

        await Eventually.TrueAsync(() => Changes == 1, "the rename reported", Deadline);
    }

    [Fact]
    public async Task OtherFilesInTheDirectory_NotReported()
    {
        var file = _dir.WriteFile("kubesync.yaml", "node: a\n");
        using var watcher = Start(file);

        _dir.WriteFile("other.yaml", "x\n");
        File.WriteAllText(file, "node: b\n");

        // The config's own write comes after the other file's: once it is reported, the other was not.
        await Eventually.TrueAsync(() => Changes >= 1, "the config write reported", Deadline);
        Assert.Equal(1, Changes);
    }

    /// <summary>rename(2) of a symlink over another (what the kubelet does); File.Move follows a link to a directory.</summary>
    private static async Task RenameAsync(string from, string to)
    {
        using var mv = Process.Start(new ProcessStartInfo("mv", ["-T", from, to]) { UseShellExecute = false })!;
        await mv.WaitForExitAsync().WaitAsync(Deadline);
        Assert.Equal(0, mv.ExitCode);
    }

    [Fact]
    public async Task ConfigMapDataLinkSwapped_Reported()
    {
        // A ConfigMap volume: kubesync.yaml -> ..data/kubesync.yaml, ..data -> ..<timestamp>; an update writes a new
        // timestamped directory and renames a new link over ..data.
        Directory.CreateDirectory(_dir.Combine("..2026_01_01_v1"));
        _dir.WriteFile("..2026_01_01_v1/kubesync.yaml", "node: a\n");
        File.CreateSymbolicLink(_dir.Combine("..data"), "..2026_01_01_v1");
        File.CreateSymbolicLink(_dir.Combine("kubesync.yaml"), "..data/kubesync.yaml");
        using var watcher = Start(_dir.Combine("kubesync.yaml"));

        Directory.CreateDirectory(_dir.Combine("..2026_01_02_v2"));
        _dir.WriteFile("..2026_01_02_v2/kubesync.yaml", "node: b\n");
        File.CreateSymbolicLink(_dir.Combine("..data_tmp"), "..2026_01_02_v2");
        await RenameAsync(_dir.Combine("..data_tmp"), _dir.Combine("..data"));

        await Eventually.TrueAsync(() => Changes == 1, "the ..data swap reported", Deadline);
        Assert.Equal("node: b\n", File.ReadAllText(_dir.Combine("kubesync.yaml")));
    }
}
