using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Kubernetes.Exec;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Tests.Exec;

/// <summary>The podExec action runner (DESIGN 3.6) over the real exec client and the fake API server's exec endpoint.</summary>
public sealed class PodExecActionRunnerTests
{
    private static readonly PodIdentity Self = new("web-0", "shop");

    private static ActionInvocation Invocation(IReadOnlyList<string> command, TimeSpan? timeout = null, params string[] paths) => new(
        "web",
        new ActionConfig { Name = "reload", PodExec = new PodExecActionConfig("nginx", command), Timeout = timeout ?? TimeSpan.FromSeconds(20) },
        [.. paths.Select(SyncPath.Parse)]);

    private static async Task<(FakeCluster Cluster, PodExecActionRunner Runner, List<FakeExecContext> Seen)> StartAsync()
    {
        var cluster = await FakeCluster.StartAsync();
        var seen = new List<FakeExecContext>();
        cluster.Server.ExecHandler = async (context, cancellationToken) =>
        {
            lock (seen)
            {
                seen.Add(context);
            }

            switch (context.Command)
            {
                case ["nginx", "-s", "reload"]:
                    await context.WriteStderrAsync("signal process started\n", cancellationToken);
                    return 0;
                case ["nginx", "-t"]:
                    await context.WriteStderrAsync("nginx: configuration file test failed\n", cancellationToken);
                    return 1;
                case ["sleep", ..]:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return 0;
                case ["echo", ..]:
                    await context.WriteStdoutAsync(string.Join('|', context.Command.Skip(1)), cancellationToken);
                    return 0;
                default:
                    return 127;
            }
        };
        await cluster.Client.Resource(KubeResources.Pods)
            .CreateAsync(new Pod { Metadata = new ObjectMeta { Name = "web-0", Namespace = "shop" } }, CancellationToken.None).WithTimeout("pod");
        var runner = new PodExecActionRunner(new PodExecClient(cluster.Client, NullLogger<PodExecClient>.Instance), Self);
        return (cluster, runner, seen);
    }

    [Fact]
    public async Task Run_Reload_SucceedsInTheNamedContainerOfOwnPod()
    {
        var (cluster, runner, seen) = await StartAsync();
        await using var _ = cluster;

        var result = await runner.RunAsync(Invocation(["nginx", "-s", "reload"]), CancellationToken.None).WithTimeout("reload");

        Assert.Equal(ActionRunOutcome.Succeeded, result.Outcome);
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("signal process started", result.Output);
        var call = Assert.Single(seen);
        Assert.Equal(("shop", "web-0", "nginx"), (call.Namespace, call.Pod, call.Container));
    }

    [Fact]
    public async Task Run_PlaceholderArgument_ExpandsToTheChangedPaths()
    {
        var (cluster, runner, _) = await StartAsync();
        await using var _c = cluster;

        var result = await runner.RunAsync(Invocation(["echo", "%%", "files: %%"], null, "conf/a.conf", "conf/b.conf"), CancellationToken.None).WithTimeout("echo");

        Assert.Equal("conf/a.conf|conf/b.conf|files: conf/a.conf conf/b.conf", result.Output);
    }

    [Fact]
    public async Task Run_NonZeroExit_FailsWithCodeAndOutput()
    {
        var (cluster, runner, _) = await StartAsync();
        await using var _c = cluster;

        var result = await runner.RunAsync(Invocation(["nginx", "-t"]), CancellationToken.None).WithTimeout("nginx -t");

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("test failed", result.Output);
        Assert.Contains("exited with 1", result.Message);
    }

    [Fact]
    public async Task Run_CommandOutlivesTimeout_TimedOut()
    {
        var (cluster, runner, _) = await StartAsync();
        await using var _c = cluster;

        var result = await runner.RunAsync(Invocation(["sleep", "600"], TimeSpan.FromMilliseconds(500)), CancellationToken.None).WithTimeout("timeout");

        Assert.Equal(ActionRunOutcome.TimedOut, result.Outcome);
        Assert.Null(result.ExitCode);
    }

    [Fact]
    public async Task Run_PodThatDoesNotExist_FailsWithAMessage()
    {
        var (cluster, _, _) = await StartAsync();
        await using var _c = cluster;
        var stranger = new PodExecActionRunner(new PodExecClient(cluster.Client, NullLogger<PodExecClient>.Instance), new PodIdentity("gone-7", "shop"));

        var result = await stranger.RunAsync(Invocation(["nginx", "-s", "reload"]), CancellationToken.None).WithTimeout("missing pod");

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
        Assert.False(string.IsNullOrEmpty(result.Message));
    }

    [Fact]
    public void CanRun_OnlyPodExecActions()
    {
        var runner = new PodExecActionRunner(null!, Self);
        Assert.True(runner.CanRun(new ActionConfig { Name = "a", PodExec = new PodExecActionConfig("app", ["true"]) }));
        Assert.False(runner.CanRun(new ActionConfig { Name = "b", Exec = ["true"] }));
    }

    [Fact]
    public void PodIdentity_MissingDownwardApiVariable_SaysWhichAndHow()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => PodIdentity.FromEnvironment(new Dictionary<string, string> { ["POD_NAME"] = "web-0" }));
        Assert.Contains("POD_NAMESPACE", ex.Message);
        Assert.Contains("downward API", ex.Message);
        Assert.Equal(Self, PodIdentity.FromEnvironment(new Dictionary<string, string> { ["POD_NAME"] = "web-0", ["POD_NAMESPACE"] = "shop" }));
    }
}
