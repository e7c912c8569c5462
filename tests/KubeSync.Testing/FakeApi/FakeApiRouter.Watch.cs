using System.Text.Json.Nodes;

using Microsoft.AspNetCore.Http;

namespace KubeSync.Testing.FakeApi;

internal sealed partial class FakeApiRouter
{
    private async Task WatchAsync(HttpContext context, FakeResourceDefinition definition, string? ns, FakeLabelSelector selector)
    {
        if (_server.TakeWatchRejection() is { } rejection)
        {
            throw new FakeApiException(rejection, rejection == 410 ? "Expired" : "InternalError", $"watch rejected by a test hook ({rejection})");
        }

        var query = context.Request.Query;
        var watcher = Store.Watch(definition, ns, selector, query["resourceVersion"]);
        watcher.AllowBookmarks = query["allowWatchBookmarks"].ToString() is "true" or "1";
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _server.Stopping);
        if (int.TryParse(query["timeoutSeconds"], out var timeoutSeconds) && timeoutSeconds > 0)
        {
            stop.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        }

        var bookmarks = watcher.AllowBookmarks ? BookmarkLoopAsync(watcher, stop.Token) : Task.CompletedTask;
        try
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/json";
            await context.Response.StartAsync(stop.Token);
            await context.Response.Body.FlushAsync(stop.Token);
            if (!_server.TakeEmptyWatch())
            {
                await StreamAsync(context, watcher, stop.Token);
            }
        }
        catch (OperationCanceledException)
        {
            // The client went away, the timeout passed or the server stops: all end the stream.
        }
        finally
        {
            Store.Unwatch(watcher);
            await stop.CancelAsync();
            await bookmarks;
        }
    }

    private static async Task StreamAsync(HttpContext context, FakeWatcher watcher, CancellationToken cancellationToken)
    {
        await foreach (var message in watcher.Messages.Reader.ReadAllAsync(cancellationToken))
        {
            switch (message.Kind)
            {
                case FakeWatchMessageKind.Event:
                case FakeWatchMessageKind.Bookmark:
                    await WriteEventAsync(context, message.Type!, message.Object!, cancellationToken);
                    break;
                case FakeWatchMessageKind.Error:
                    await WriteEventAsync(context, "ERROR", message.Object!, cancellationToken);
                    return;
                case FakeWatchMessageKind.End:
                    return;
                case FakeWatchMessageKind.Silence:
                    await Task.Delay(Timeout.Infinite, cancellationToken);
                    return;
            }
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string type, JsonObject obj, CancellationToken cancellationToken)
    {
        var line = new JsonObject { ["type"] = type, ["object"] = obj.DeepClone() }.ToJsonString() + "\n";
        await context.Response.WriteAsync(line, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private async Task BookmarkLoopAsync(FakeWatcher watcher, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(_server.Options.BookmarkInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                Store.Bookmark(watcher);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
