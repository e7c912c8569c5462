using System.Diagnostics;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Actions;

public sealed class SignalActionRunnerTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("kubesync-signal-");
    private Process? _target;

    public void Dispose()
    {
        if (_target is { HasExited: false })
        {
            _target.Kill(entireProcessTree: true);
        }

        _target?.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task RunAsync_PidFile_SignalsThatProcess()
    {
        var (marker, pidFile) = await StartTrappingShellAsync("/bin/sh");

        var result = await Run(new SignalActionConfig(null, pidFile, "HUP"));

        Assert.Equal(ActionRunOutcome.Succeeded, result.Outcome);
        await Eventually.TrueAsync(() => File.Exists(marker) && File.ReadAllText(marker).Contains("HUP", StringComparison.Ordinal), "the trap writes HUP");
    }

    [Fact]
    public async Task RunAsync_ProcessName_SignalsTheProcessOfThatName()
    {
        // A copy of the shell under a name no other process on this machine has (comm keeps 15 characters).
        var name = $"ks-{Guid.NewGuid():N}"[..14];
        var shell = _dir.Combine(name);
        File.Copy("/bin/sh", shell);
        File.SetUnixFileMode(shell, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var (marker, _) = await StartTrappingShellAsync(shell);

        var result = await Run(new SignalActionConfig(name, null, "USR1"));

        Assert.Equal(ActionRunOutcome.Succeeded, result.Outcome);
        Assert.Contains(_target!.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), result.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => File.Exists(marker) && File.ReadAllText(marker).Contains("USR1", StringComparison.Ordinal), "the trap writes USR1");
    }

    [Fact]
    public async Task RunAsync_NoSuchProcess_FailsSayingSo()
    {
        var byName = await Run(new SignalActionConfig($"ks-none-{Environment.ProcessId}", null, "HUP"));
        var byPidFile = await Run(new SignalActionConfig(null, _dir.Combine("missing.pid"), "HUP"));

        Assert.Equal(ActionRunOutcome.Failed, byName.Outcome);
        Assert.StartsWith("no process named", byName.Message, StringComparison.Ordinal);
        Assert.Equal(ActionRunOutcome.Failed, byPidFile.Outcome);
        Assert.StartsWith("cannot read pid file", byPidFile.Message, StringComparison.Ordinal);
    }

    /// <summary>Starts a shell that appends the name of each HUP/USR1 it gets to a marker file and writes its pid file.</summary>
    private async Task<(string Marker, string PidFile)> StartTrappingShellAsync(string shell)
    {
        var marker = _dir.Combine("marker");
        var pidFile = _dir.Combine("app.pid");
        var script = $"trap 'echo HUP >> {marker}' HUP; trap 'echo USR1 >> {marker}' USR1; echo $$ > {pidFile}; while :; do sleep 0.05; done";
        _target = Process.Start(new ProcessStartInfo(shell) { ArgumentList = { "-c", script } })!;
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "the shell writes its pid file");
        return (marker, pidFile);
    }

    private static async Task<ActionRunResult> Run(SignalActionConfig signal)
    {
        var invocation = new ActionInvocation("web", new ActionConfig { Name = "reload", Signal = signal }, [SyncPath.Parse("a.conf")]);
        return await new SignalActionRunner().RunAsync(invocation, CancellationToken.None).WaitAsync(TestTimeout);
    }
}
