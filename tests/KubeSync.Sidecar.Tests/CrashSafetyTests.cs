using System.Text.Json;

using KubeSync.Testing;

using Microsoft.Data.Sqlite;

namespace KubeSync.Sidecar.Tests;

/// <summary>
/// A <c>kill -9</c> at any point of a scan leaves a state database that opens, passes SQLite's integrity check,
/// and is completed by the next scan without losing or double-counting anything.
/// </summary>
public sealed class CrashSafetyTests : IClassFixture<CrashSafetyTests.Tree>, IDisposable
{
    private const int Entries = Tree.Directories + (Tree.Directories * Tree.FilesPerDirectory);

    private readonly TempDirectory _dir = new();
    private readonly string _config;

    public CrashSafetyTests(Tree tree)
    {
        SQLitePCL.Batteries_V2.Init();
        _config = KubeSyncProcess.WriteConfig(_dir.Path, tree.Root, extra: $"stateDir: \"{_dir.Combine("state")}\"");
    }

    private string Database => _dir.Combine("state/state.db");

    public void Dispose() => _dir.Dispose();

    /// <summary>One tree for all kill points (only the state differs): creating files is the slow part on a busy disk.</summary>
    public sealed class Tree : IDisposable
    {
        public const int Directories = 20;
        public const int FilesPerDirectory = 400;

        private readonly TempDirectory _dir = new();

        public Tree()
        {
            // Large enough files that hashing keeps the scan busy long enough to be killed at each point.
            var content = new byte[32 * 1024];
            Random.Shared.NextBytes(content);
            for (var d = 0; d < Directories; d++)
            {
                var dir = Directory.CreateDirectory(Path.Combine(Root, $"d{d:00}")).FullName;
                for (var f = 0; f < FilesPerDirectory; f++)
                {
                    content[0] = (byte)f;
                    content[1] = (byte)d;
                    File.WriteAllBytes(Path.Combine(dir, $"f{f:000}.c"), content);
                    File.SetLastWriteTimeUtc(Path.Combine(dir, $"f{f:000}.c"), DateTime.UtcNow.AddHours(-1));
                }
            }
        }

        public string Root => _dir.Combine("tree");

        public void Dispose() => _dir.Dispose();
    }

    /// <param name="killAfterRows">-1: as soon as the database file appears (mid-migration); else once this many rows are committed.</param>
    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(Entries / 2)]
    public async Task KillMinus9_MidScan_NextScanCompletesExactly(int killAfterRows)
    {
        // On a loaded machine the poller can stall long enough for the scan to finish first: start over (a few times).
        var killed = false;
        for (var attempt = 0; attempt < 3 && !killed; attempt++)
        {
            if (Directory.Exists(_dir.Combine("state")))
            {
                Directory.Delete(_dir.Combine("state"), recursive: true);
            }

            using var scan = KubeSyncProcess.Start(["--config", _config, "check"], _dir.Path);
            await Eventually.TrueAsync(() => scan.HasExited || (killAfterRows < 0 ? File.Exists(Database) : CountRows() >= killAfterRows), "the scan to reach the kill point", interval: TimeSpan.FromMilliseconds(1));
            killed = !scan.HasExited;
            if (killed)
            {
                scan.Kill(); // SIGKILL: no cleanup, no finally blocks
            }
            await scan.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }

        Assert.True(killed, "the scan finished before it could be killed in three attempts; the tree is too small for this machine");

        var rowsAtKill = CountRows();
        Assert.InRange(rowsAtKill, 0, Entries - 1);
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));

        var rerun = await KubeSyncProcess.RunAsync(["--config", _config, "check", "--json"], _dir.Path);
        Assert.True(rerun.ExitCode == 0, rerun.ToString());
        var report = JsonDocument.Parse(rerun.Stdout).RootElement[0];
        Assert.Equal(Entries - rowsAtKill, report.GetProperty("created").GetInt64());
        Assert.Equal(0, report.GetProperty("modified").GetInt64());

        Assert.Equal(Entries, CountRows());
        Assert.Equal(1L, Scalar("SELECT count(DISTINCT version) FROM files"));
        Assert.Equal((long)Entries, Scalar("SELECT max(seq) FROM files"));
        Assert.Equal(Entries * 2L, Scalar("SELECT count(*) FROM dirty"));
        Assert.Equal("ok", Scalar("PRAGMA integrity_check"));
    }

    private long CountRows()
    {
        try
        {
            return (long)Scalar("SELECT count(*) FROM files")!;
        }
        catch (SqliteException)
        {
            return 0; // not created yet, or the schema is mid-migration
        }
    }

    private object? Scalar(string sql)
    {
        if (!File.Exists(Database))
        {
            throw new SqliteException("no database yet", 1);
        }

        // Read-write although it only reads: after a kill -9 the first connection must recover the WAL, which a
        // read-only connection cannot ("attempt to write a readonly database").
        using var connection = new SqliteConnection($"Data Source={Database};Mode=ReadWrite;Pooling=False");
        connection.Open();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
