using KubeSync.Testing;

using Microsoft.Data.Sqlite;

namespace KubeSync.Sidecar.Tests;

/// <summary>
/// Unreadable files and directories are reported and counted, and what was recorded for them is kept: a
/// permission problem must never look like a deletion. Root reads everything, so the scan runs as <c>nobody</c>.
/// </summary>
public sealed class PermissionTests : IDisposable
{
    private const int Nobody = 65534;
    private readonly TempDirectory _dir = new();

    public PermissionTests() => SQLitePCL.Batteries_V2.Init();

    public void Dispose() => _dir.Dispose();

    [SkippableFactIfNotRoot]
    public async Task Check_UnreadableEntries_ReportedAndRowsKept()
    {
        File.SetUnixFileMode(_dir.Path, (UnixFileMode)0x1ED); // 0755: nobody must reach the tree
        var root = _dir.Combine("www");
        _dir.WriteFile("www/public.conf", "a");
        _dir.WriteFile("www/locked.conf", "b");
        _dir.WriteFile("www/secret/inner.conf", "c");
        var state = _dir.Combine("state");
        var config = KubeSyncProcess.WriteConfig(_dir.Path, root, extra: $"stateDir: \"{state}\"");
        var first = await KubeSyncProcess.RunAsync(["--config", config, "check"], _dir.Path);
        Assert.True(first.ExitCode == 0, first.ToString());

        File.SetUnixFileMode(_dir.Combine("www/locked.conf"), UnixFileMode.None);
        File.SetUnixFileMode(_dir.Combine("www/secret"), UnixFileMode.None);
        File.AppendAllText(_dir.Combine("www/public.conf"), "changed");
        foreach (var path in Directory.EnumerateFiles(state).Append(state))
        {
            File.SetUnixFileMode(path, (UnixFileMode)0x1FF);
        }

        var asNobody = await KubeSyncProcess.RunAsync(
            ["--config", config, "check"], _dir.Path, new Dictionary<string, string> { ["HOME"] = _dir.Path, ["DOTNET_CLI_HOME"] = _dir.Path },
            prefix: ["setpriv", $"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups"]);

        Assert.True(asNobody.ExitCode == 0, asNobody.ToString());
        // public.conf changed, and secret's mode (0755 -> 0000) is a metadata change that syncs.
        Assert.Contains("2 changed, 0 deleted", asNobody.Stdout);
        Assert.Contains("2 problems", asNobody.Stdout);
        Assert.Contains("locked.conf: Permission denied", asNobody.Stdout);
        Assert.Contains("secret: Permission denied; its contents are left as recorded", asNobody.Stdout);
        using var db = new SqliteConnection($"Data Source={Path.Combine(state, "state.db")};Mode=ReadOnly;Pooling=False");
        db.Open();
        using var cmd = db.CreateCommand();
        cmd.CommandText = "SELECT count(*) FROM files WHERE deleted = 0 AND path IN ('locked.conf', 'secret', 'secret/inner.conf')";
        Assert.Equal(3L, cmd.ExecuteScalar());
    }
}
