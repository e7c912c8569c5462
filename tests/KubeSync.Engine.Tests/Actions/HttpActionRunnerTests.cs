using System.Net;
using System.Text.Json;

using KubeSync.Contracts.Configuration;
using KubeSync.Engine.Actions;
using KubeSync.Engine.Paths;
using KubeSync.Testing;

namespace KubeSync.Engine.Tests.Actions;

public sealed class HttpActionRunnerTests : IDisposable
{
    private static readonly TimeSpan TestTimeout = TimeSpan.FromSeconds(30);

    private readonly HttpListener _listener = new();
    private readonly HttpClient _client = new() { Timeout = Timeout.InfiniteTimeSpan };
    private readonly Uri _url;

    public HttpActionRunnerTests()
    {
        _url = new Uri($"http://127.0.0.1:{TestPorts.Reserve()}/reload/");
        _listener.Prefixes.Add(_url.ToString());
        _listener.Start();
    }

    public void Dispose()
    {
        _listener.Close();
        _client.Dispose();
    }

    [Fact]
    public async Task RunAsync_Answer2xx_SucceedsAfterPostingGroupAndPaths()
    {
        var run = Run(new HttpActionConfig(_url, "POST"), TimeSpan.FromSeconds(10));
        var context = await _listener.GetContextAsync().WaitAsync(TestTimeout);
        using var body = await JsonDocument.ParseAsync(context.Request.InputStream);
        await Respond(context, 204, "");
        var result = await run.WaitAsync(TestTimeout);

        Assert.Equal(ActionRunOutcome.Succeeded, result.Outcome);
        Assert.Equal("POST", context.Request.HttpMethod);
        Assert.Equal("application/json", context.Request.ContentType);
        Assert.Equal("web", body.RootElement.GetProperty("group").GetString());
        Assert.Equal(["a.conf", "sub/b.conf"], body.RootElement.GetProperty("paths").EnumerateArray().Select(p => p.GetString()));
    }

    [Fact]
    public async Task RunAsync_Answer500_FailsWithStatusAndBody()
    {
        var run = Run(new HttpActionConfig(_url, "PUT"), TimeSpan.FromSeconds(10));
        var context = await _listener.GetContextAsync().WaitAsync(TestTimeout);
        await Respond(context, 500, "config invalid");
        var result = await run.WaitAsync(TestTimeout);

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
        Assert.Equal(500, result.ExitCode);
        Assert.Equal("config invalid", result.Output);
        Assert.Contains("answered 500", result.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunAsync_NoAnswerInTime_TimedOut()
    {
        // The listener never answers. On a loaded machine the request may not even reach it within the 300 ms, so the
        // test waits for the run, not for the request.
        var run = Run(new HttpActionConfig(_url, "POST"), TimeSpan.FromMilliseconds(300));
        var result = await run.WaitAsync(TestTimeout);

        Assert.Equal(ActionRunOutcome.TimedOut, result.Outcome);
    }

    [Fact]
    public async Task RunAsync_NothingListening_Failed()
    {
        _listener.Stop();

        var result = await Run(new HttpActionConfig(_url, "POST"), TimeSpan.FromSeconds(10)).WaitAsync(TestTimeout);

        Assert.Equal(ActionRunOutcome.Failed, result.Outcome);
    }

    private static async Task Respond(HttpListenerContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        var bytes = System.Text.Encoding.UTF8.GetBytes(body);
        await context.Response.OutputStream.WriteAsync(bytes);
        context.Response.Close();
    }

    private Task<ActionRunResult> Run(HttpActionConfig http, TimeSpan timeout)
    {
        var action = new ActionConfig { Name = "reload", Http = http, Timeout = timeout };
        var invocation = new ActionInvocation("web", action, [SyncPath.Parse("a.conf"), SyncPath.Parse("sub/b.conf")]);
        return new HttpActionRunner(_client).RunAsync(invocation, CancellationToken.None);
    }
}
