using System.Collections.Concurrent;

using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KubeSync.Operator.Tests;

/// <summary>
/// A real HTTP server standing in for the member sidecars' admin endpoints: <c>/pods/NAME/status</c> answers the JSON
/// document the test set for that pod (as the sidecar's <c>/status</c> would), 404 when none.
/// </summary>
internal sealed class MemberStatusServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, string> _documents = new(StringComparer.Ordinal);

    private MemberStatusServer(WebApplication app, ConcurrentDictionary<string, string> documents)
    {
        _app = app;
        _documents = documents;
    }

    public Uri BaseAddress { get; private set; } = null!;

    public static async Task<MemberStatusServer> StartAsync()
    {
        var documents = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapGet("/pods/{name}/status", (string name) =>
            documents.TryGetValue(name, out var json) ? Results.Text(json, "application/json") : Results.NotFound());
        await app.StartAsync();
        var server = new MemberStatusServer(app, documents);
        server.BaseAddress = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public Uri AddressOf(string pod) => new(BaseAddress, $"/pods/{pod}/");

    /// <summary>What the sidecar's /status says for one group, in its own JSON shape.</summary>
    public void Set(string pod, string group, bool ready, int dirty, int conflicts, DateTimeOffset? lastSeen) =>
        _documents[pod] = $$"""
            {
              "node": "{{pod}}",
              "groups": [{
                "group": "{{group}}", "root": "/data", "files": 12, "tombstones": 0, "lastSeq": 40,
                "conflicts": {{conflicts}}, "dirty": {{dirty}}, "oldestDirtySince": null,
                "peers": [{"node": "other", "address": "10.0.0.8:30865", "state": "active",
                           "lastSeen": {{(lastSeen is { } seen ? $"\"{seen:O}\"" : "null")}}, "theirSeqSeen": 3, "dirty": {{dirty}}, "connected": true, "session": "settled"}],
                "node": "{{pod}}", "ready": {{(ready ? "true" : "false")}}
              }],
              "source": "daemon",
              "actions": []
            }
            """;

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
