using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Actions;

public sealed class ExecActionRunnerTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _dir = new("kubesync-exec-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task RunAsync_PlaceholderArgument_PassesEachPathAsAnArgumentInTheRoot()
    {
        var script = _dir.WriteFile("args.sh", "#!/bin/sh\npwd > \"$OUT\"\nfor a in \"$@\"; do echo \"[$a]\" >> \"$OUT\"; done\necho \"$KUBESYNC_ACTION\" >> \"$OUT\"\n");
        var output = _dir.Combine("args.txt");
        var action = new ActionConfig { Name = "record", Exec = ["/bin/sh", "-c", $"OUT={output} exec /bin/sh {script} \"$@\"", "sh", "first", "%%"] };

        var result = await Run(action, "a b.conf", "dir/c.conf");

        Assert.Equal(ActionRunOutcome.Succeeded, result.Outcome);
        Assert.Equal([_dir.Path, "[first]", "[a b.conf]", "[dir/c.conf]", "record"], File.ReadAllLines(output));
    }

    [Fact]
    public async Task RunAsync_NonZeroExit_FailedWithOutputAndExitCode()
    {
        var result = await Run(new ActionConfig { Name = "fail", Exec = ["/bin/sh", "-c", "echo out; echo err >&2; exit 3"] });

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\nerr\n", result.Output);
    }

    [Fact]
    public async Task RunAsync_MissingProgram_FailedNotThrown()
    {
        var result = await Run(new ActionConfig { Name = "missing", Exec = [_dir.Combine("no-such-program")] });

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
        Assert.Contains("cannot start", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_Timeout_KillsTheProcessTree()
    {
        var childPid = _dir.Combine("child.pid");
        var action = new ActionConfig
        {
            Name = "hang",
            Exec = ["/bin/sh", "-c", $"sleep 600 & echo $! > {childPid}; wait"],
            Timeout = TimeSpan.FromMilliseconds(500),
        };

        var result = await Run(action);

        Assert.Equal(ActionRunOutcome.TimedOut, result.Outcome);
        var pid = int.Parse(File.ReadAllText(childPid).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Eventually.TrueAsync(() => !ProcessTable.IsAlive(pid), $"the grandchild sleep {pid} is killed");
    }

    [Fact]
    public async Task RunAsync_LogFile_AppendsEachRunWithAHeader()
    {
        var log = _dir.Combine("logs/action.log");
        var action = new ActionConfig { Name = "echo", Exec = ["/bin/echo", "changed", "%%"], LogFile = log };

        await Run(action, "one.conf");
        await Run(action, "two.conf");

        var lines = File.ReadAllLines(log);
        Assert.Equal(4, lines.Length);
        Assert.Contains("group web action echo: Succeeded (exit 0)", lines[0], StringComparison.Ordinal);
        Assert.Equal("changed one.conf", lines[1]);
        Assert.Equal("changed two.conf", lines[3]);
    }

    private async Task<ActionRunResult> Run(ActionConfig action, params string[] paths)
    {
        var invocation = new ActionInvocation("web", action, [.. paths.Select(SyncPath.Parse)]) { Root = _dir.Path };
        return await new ExecActionRunner().RunAsync(invocation, CancellationToken.None).WaitAsync(TestTimeout);
    }
}
