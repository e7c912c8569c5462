using KubeSync.Kubernetes.Exec;
using KubeSync.Kubernetes.Resources;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Tests.Exec;

public sealed class PodExecClientTests
{
    /// <summary>A scripted shell: <c>exit N</c> prints to both streams and exits N; <c>hang</c> never ends; <c>crash</c> throws; <c>flood</c> prints a lot.</summary>
    private static async Task<int> Script(FakeExecContext context, CancellationToken cancellationToken)
    {
        switch (context.Command)
        {
            case ["hang"]:
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            case ["crash"]:
                throw new InvalidOperationException("container runtime went away");
            case ["flood"]:
                for (var i = 0; i < 10; i++)
                {
                    await context.WriteStdoutAsync(new string('x', 1000), cancellationToken);
                }

                return 0;
            case ["sh", "-c", var script] when script.StartsWith("exit ", StringComparison.Ordinal):
                await context.WriteStdoutAsync($"out from {context.Container} ", cancellationToken);
                await context.WriteStdoutAsync("über", cancellationToken);
                await context.WriteStderrAsync("err", cancellationToken);
                return int.Parse(script[5..]);
            default:
                return 127;
        }
    }

    private static async Task<(FakeCluster Cluster, PodExecClient Client)> StartAsync(params string[] serverProtocols)
    {
        var options = new FakeKubeApiServerOptions();
        if (serverProtocols.Length > 0)
        {
            options.ExecProtocols = serverProtocols;
        }

        var cluster = await FakeCluster.StartAsync(options);
        cluster.Server.ExecHandler = Script;
        await cluster.Client.Resource(KubeResources.Pods).CreateAsync(new Pod { Metadata = new ObjectMeta { Name = "web-0" } }, CancellationToken.None).WithTimeout("pod");
        return (cluster, new PodExecClient(cluster.Client, NullLogger<PodExecClient>.Instance));
    }

    [Theory]
    [InlineData("v5.channel.k8s.io", 0)]
    [InlineData("v5.channel.k8s.io", 3)]
    [InlineData("v4.channel.k8s.io", 0)]
    [InlineData("v4.channel.k8s.io", 3)]
    public async Task Exec_ExitCodeInEitherFraming_ReportsCodeAndOutput(string protocol, int exitCode)
    {
        var (cluster, client) = await StartAsync(protocol);
        await using var _ = cluster;

        var result = await client.ExecAsync(new ExecRequest("web-0", ["sh", "-c", $"exit {exitCode}"]) { Container = "app" }, CancellationToken.None).WithTimeout("exec");

        Assert.Equal(ExecOutcome.Exited, result.Outcome);
        Assert.Equal(exitCode, result.ExitCode);
        Assert.Equal(protocol, result.Protocol);
        Assert.Equal("out from app über", result.Stdout);
        Assert.Equal("err", result.Stderr);
        Assert.Equal(exitCode == 0, result.Succeeded);
    }

    [Fact]
    public async Task Exec_ServerOffersBoth_NegotiatesV5()
    {
        var (cluster, client) = await StartAsync();
        await using var _ = cluster;

        var result = await client.ExecAsync(new ExecRequest("web-0", ["sh", "-c", "exit 0"]), CancellationToken.None).WithTimeout("exec");

        Assert.Equal("v5.channel.k8s.io", result.Protocol);
    }

    [Fact]
    public async Task Exec_ServerSlowToClose_DoneAtTheStatusNotTheTimeout()
    {
        var cluster = await FakeCluster.StartAsync(new FakeKubeApiServerOptions { ExecClosesAfterStatus = false });
        await using var _ = cluster;
        cluster.Server.ExecHandler = Script;
        await cluster.Client.Resource(KubeResources.Pods).CreateAsync(new Pod { Metadata = new ObjectMeta { Name = "web-0" } }, CancellationToken.None).WithTimeout("pod");
        var client = new PodExecClient(cluster.Client, NullLogger<PodExecClient>.Instance);

        var result = await client.ExecAsync(new ExecRequest("web-0", ["sh", "-c", "exit 3"]) { Timeout = TimeSpan.FromSeconds(30) }, CancellationToken.None).WithTimeout("exec", TimeSpan.FromSeconds(10));

        Assert.Equal(ExecOutcome.Exited, result.Outcome);
        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task Exec_HungCommand_TimesOutWithinItsTimeout()
    {
        var (cluster, client) = await StartAsync();
        await using var _ = cluster;
        var started = DateTime.UtcNow;

        var result = await client.ExecAsync(new ExecRequest("web-0", ["hang"]) { Timeout = TimeSpan.FromMilliseconds(500) }, CancellationToken.None).WithTimeout("exec");

        Assert.Equal(ExecOutcome.TimedOut, result.Outcome);
        Assert.Null(result.ExitCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Exec_RuntimeError_FailedWithTheMessageNotAnExitCode()
    {
        var (cluster, client) = await StartAsync();
        await using var _ = cluster;

        var result = await client.ExecAsync(new ExecRequest("web-0", ["crash"]), CancellationToken.None).WithTimeout("exec");

        Assert.Equal(ExecOutcome.Failed, result.Outcome);
        Assert.Null(result.ExitCode);
        Assert.Contains("container runtime went away", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_OutputOverLimit_KeepsTheLimitAndFlagsIt()
    {
        var (cluster, client) = await StartAsync();
        await using var _ = cluster;

        var result = await client.ExecAsync(new ExecRequest("web-0", ["flood"]) { OutputLimit = 2500 }, CancellationToken.None).WithTimeout("exec");

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(2500, result.Stdout.Length);
        Assert.True(result.OutputTruncated);
    }

    [Fact]
    public async Task Exec_MissingPod_FailedWith404()
    {
        var (cluster, client) = await StartAsync();
        await using var _ = cluster;

        var result = await client.ExecAsync(new ExecRequest("nope", ["sh", "-c", "exit 0"]), CancellationToken.None).WithTimeout("exec");

        Assert.Equal(ExecOutcome.Failed, result.Outcome);
        Assert.Contains("404", result.Message, StringComparison.Ordinal);
    }
}
