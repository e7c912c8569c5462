using System.Text.Json;

using KubeSync.Engine.Hosting;
using KubeSync.Engine.Paths;
using KubeSync.Engine.State;
using KubeSync.Testing;

namespace KubeSync.Sidecar.Tests;

/// <summary><c>kubesync conflicts</c> and <c>kubesync status</c> on a real tree and a state database that a test wrote through the engine.</summary>
public sealed class StatusCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new();
    private readonly string _root;
    private readonly string _config;

    public StatusCommandTests()
    {
        _root = _dir.Combine("www");
        _dir.WriteFile("www/conf/nginx.conf", "worker_processes 1;\n");
        _dir.WriteFile("www/html/index.html", "<h1>hi</h1>\n");
        _config = KubeSyncProcess.WriteConfig(_dir.Path, _root);
    }

    public void Dispose() => _dir.Dispose();

    private string DatabasePath => Path.Combine(_root, ".kubesync", LocalGroup.DatabaseFileName);

    [Fact]
    public async Task Conflicts_NoneRecorded_ExitsTwoAndPrintsNothing()
    {
        Assert.Equal(0, (await Run("check")).ExitCode);

        var r = await Run("conflicts");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Stdout);
        Assert.Equal("", r.Stderr);

        var json = await Run("conflicts", "--json");
        Assert.Equal(2, json.ExitCode);
        Assert.Equal(0, JsonDocument.Parse(json.Stdout).RootElement.GetArrayLength());
    }

    [Fact]
    public async Task Conflicts_RecordedWithTwoPeers_ListsEachWithTheirVersion()
    {
        Assert.Equal(0, (await Run("check")).ExitCode);
        var hash = new byte[32];
        hash[0] = 0xab;
        WriteState(batch =>
        {
            batch.RecordConflict(SyncPath.Parse("conf/nginx.conf"), "web-1", VersionVector.Parse("web-0:1,web-1:1"), hash);
            batch.RecordConflict(SyncPath.Parse("conf/nginx.conf"), "web-2", VersionVector.Parse("web-2:3"), null);
            batch.RecordConflict(SyncPath.Parse("html/index.html"), "web-2", VersionVector.Parse("web-0:1,web-2:1"), null);
        });

        var r = await Run("conflicts");
        Assert.True(r.ExitCode == 0, r.ToString());
        var lines = r.Stdout.TrimEnd('\n').Split('\n').Select(l => l.Split('\t')).ToList();
        Assert.Equal(3, lines.Count);
        Assert.Equal(["web", "web-1"], lines[0][..2]);
        Assert.Equal(["web-0:1,web-1:1", "conf/nginx.conf"], lines[0][3..]);
        Assert.Equal(["web-2:3", "conf/nginx.conf"], lines[1][3..]);
        Assert.Equal(["web-0:1,web-2:1", "html/index.html"], lines[2][3..]);
        Assert.Matches(@"^\s*\d+s$", lines[0][2]);
        Assert.Equal("2 paths in conflict with 2 peers; kubesync force PATH on the member whose version should win", r.Stderr.Trim());

        var json = await Run("conflicts", "--json");
        Assert.Equal(0, json.ExitCode);
        var rows = JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray().ToList();
        Assert.Equal(["web-1", "web-2", "web-2"], rows.Select(e => e.GetProperty("peer").GetString()));
        Assert.Equal("ab" + new string('0', 62), rows[0].GetProperty("theirSha256").GetString());
        Assert.False(rows[1].TryGetProperty("theirSha256", out _));
        var detected = rows[0].GetProperty("detected").GetDateTimeOffset();
        Assert.InRange(DateTimeOffset.UtcNow - detected, TimeSpan.Zero, TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task Conflicts_Help_NamesForceAsTheResolution()
    {
        var r = await KubeSyncProcess.RunAsync(["conflicts", "--help"]);
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("kubesync force PATH", r.Stdout);
    }

    [Fact]
    public async Task Status_AfterCheckAndAPeerExchange_ReportsFilesPeersConflictsAndDirty()
    {
        Assert.Equal(0, (await Run("check")).ExitCode);
        File.Delete(Path.Combine(_root, "html/index.html"));
        Assert.Equal(0, (await Run("check")).ExitCode);
        WriteState(batch =>
        {
            batch.SetPeerProgress("web-1", 17);
            Assert.True(batch.Confirm(SyncPath.Parse("conf"), "web-1", VersionVector.Parse("web-0:1")));
            batch.RecordConflict(SyncPath.Parse("conf/nginx.conf"), "web-2", VersionVector.Parse("web-2:1"), null);
        });

        var json = await Run("status", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var report = JsonDocument.Parse(json.Stdout).RootElement;
        Assert.Equal("web-0", report.GetProperty("node").GetString());
        var group = Assert.Single(report.GetProperty("groups").EnumerateArray().ToList());
        Assert.Equal("web", group.GetProperty("group").GetString());
        Assert.Equal(_root, group.GetProperty("root").GetString());
        Assert.Equal(3, group.GetProperty("files").GetInt64());
        Assert.Equal(1, group.GetProperty("tombstones").GetInt64());
        Assert.Equal(5, group.GetProperty("lastSeq").GetInt64());
        Assert.Equal(1, group.GetProperty("conflicts").GetInt32());
        Assert.Equal(7, group.GetProperty("dirty").GetInt32());
        Assert.InRange(DateTimeOffset.UtcNow - group.GetProperty("oldestDirtySince").GetDateTimeOffset(), TimeSpan.Zero, TimeSpan.FromMinutes(5));
        var peers = group.GetProperty("peers").EnumerateArray().ToList();
        Assert.Equal(["web-1", "web-2"], peers.Select(p => p.GetProperty("node").GetString()));
        Assert.Equal(["127.0.0.1:30866", "127.0.0.1:30867"], peers.Select(p => p.GetProperty("address").GetString()));
        Assert.Equal([17L, 0L], peers.Select(p => p.GetProperty("theirSeqSeen").GetInt64()));
        Assert.Equal([3L, 4L], peers.Select(p => p.GetProperty("dirty").GetInt64()));
        Assert.True(peers[0].TryGetProperty("lastSeen", out _));
        Assert.False(peers[1].TryGetProperty("lastSeen", out _));

        var text = await Run("status");
        Assert.Equal(0, text.ExitCode);
        var lines = text.Stdout.Split('\n');
        Assert.Equal("node web-0", lines[0]);
        Assert.Contains($"group web\t{_root}", lines);
        Assert.Contains("  files      3 live, 1 tombstones, last seq 5", lines);
        Assert.Contains("  conflicts  1", lines);
        Assert.Contains(lines, l => l.StartsWith("  dirty      7, oldest ", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["web-1", "127.0.0.1:30866", _, "ago", "17", "3"]);
        Assert.Contains(lines, l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["web-2", "127.0.0.1:30867", "never", "0", "4"]);
    }

    [Fact]
    public async Task Status_InitialisedTree_NothingOwedAndNoOldestDirty()
    {
        Assert.Equal(0, (await Run("check", "--init")).ExitCode);

        var text = await Run("status");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("  dirty      0\n", text.Stdout);
        Assert.Contains("  files      4 live, 0 tombstones, last seq 4\n", text.Stdout);

        var group = JsonDocument.Parse((await Run("status", "--json")).Stdout).RootElement.GetProperty("groups")[0];
        Assert.Equal(0, group.GetProperty("dirty").GetInt32());
        Assert.False(group.TryGetProperty("oldestDirtySince", out _));
    }

    [Fact]
    public async Task Status_UnknownGroup_ExitsUsage()
    {
        var r = await Run("status", "--group", "nope");
        Assert.Equal(64, r.ExitCode);
        Assert.Contains("no group named 'nope' (groups: web)", r.Stderr);
    }

    private Task<KubeSyncProcess.Result> Run(params string[] args) => KubeSyncProcess.RunAsync(["--config", _config, .. args], _dir.Path);

    /// <summary>Changes the group's state as a peer exchange would, with no kubesync process running.</summary>
    private void WriteState(Action<StateBatch> change)
    {
        using var store = StateStore.Open(DatabasePath, "web-0", "web");
        using var batch = store.BeginBatch();
        change(batch);
        batch.Commit();
    }
}
