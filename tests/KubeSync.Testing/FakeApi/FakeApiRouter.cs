using System.Text.Json;
using System.Text.Json.Nodes;

using Microsoft.AspNetCore.Http;

namespace KubeSync.Testing.FakeApi;

/// <summary>Turns HTTP requests into store operations, and errors into <c>Status</c> answers.</summary>
internal sealed partial class FakeApiRouter
{
    private readonly FakeKubeApiServer _server;

    public FakeApiRouter(FakeKubeApiServer server)
    {
        _server = server;
    }

    private FakeObjectStore Store => _server.Store;

    public async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        _server.Record($"{request.Method} {request.Path}{request.QueryString} {request.Protocol}");
        try
        {
            var byToken = request.Headers.Authorization.ToString() == $"Bearer {_server.Token}";
            var byCertificate = context.Connection.ClientCertificate is { } certificate && _server.Authority.Verifies(certificate);
            if (!byToken && !byCertificate)
            {
                throw new FakeApiException(401, "Unauthorized", "Unauthorized");
            }

            await RouteAsync(context);
        }
        catch (FakeApiException e) when (!context.Response.HasStarted)
        {
            await WriteJsonAsync(context, e.Code, e.ToStatus());
        }
        catch (JsonException e) when (!context.Response.HasStarted)
        {
            await WriteJsonAsync(context, 400, FakeStatus.Failure(400, "BadRequest", $"invalid JSON: {e.Message}"));
        }
#pragma warning disable CA1031 // A bug in the fake is answered as a 500 with the exception, so the failing test shows it.
        catch (Exception e) when (!context.Response.HasStarted && e is not OperationCanceledException)
#pragma warning restore CA1031
        {
            await WriteJsonAsync(context, 500, FakeStatus.Failure(500, "InternalError", $"fake API server bug: {e}"));
        }
    }

    internal static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString());
    }

    private async Task RouteAsync(HttpContext context)
    {
        var segments = context.Request.Path.Value!.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var get = HttpMethods.IsGet(context.Request.Method);
        switch (segments)
        {
            case ["version"] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.Version());
                return;
            case ["api"] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.CoreVersions(_server.BaseAddress.Authority));
                return;
            case ["apis"] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.Groups(_server.Resources));
                return;
            case ["apis", var group] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.Group(_server.Resources, group) ?? throw NotFound(context));
                return;
            case ["api", var version] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.Resources(_server.Resources, "", version) ?? throw NotFound(context));
                return;
            case ["apis", var group, var version] when get:
                await WriteJsonAsync(context, 200, FakeDiscovery.Resources(_server.Resources, group, version) ?? throw NotFound(context));
                return;
            case ["openapi", "v3"] when get:
                await WriteJsonAsync(context, 200, FakeOpenApi.Index(_server.Resources));
                return;
            case ["openapi", "v3", "api", var version] when get:
                await WriteJsonAsync(context, 200, FakeOpenApi.GroupVersion(_server.Resources, "", version) ?? throw NotFound(context));
                return;
            case ["openapi", "v3", "apis", var group, var version] when get:
                await WriteJsonAsync(context, 200, FakeOpenApi.GroupVersion(_server.Resources, group, version) ?? throw NotFound(context));
                return;
            case ["api", var version, ..]:
                await ResourceAsync(context, FakeRequestTarget.Parse(_server.Resources, "", version, segments.AsSpan(2)) ?? throw NotFound(context));
                return;
            case ["apis", var group, var version, ..]:
                await ResourceAsync(context, FakeRequestTarget.Parse(_server.Resources, group, version, segments.AsSpan(3)) ?? throw NotFound(context));
                return;
            default:
                throw NotFound(context);
        }
    }

    private static FakeApiException NotFound(HttpContext context) =>
        new(404, "NotFound", $"the server could not find the requested resource ({context.Request.Method} {context.Request.Path})");

    private static string Manager(HttpContext context)
    {
        var manager = context.Request.Query["fieldManager"].ToString();
        if (manager.Length > 0)
        {
            return manager;
        }

        // The real server names an unnamed manager after the User-Agent's program name.
        var agent = context.Request.Headers.UserAgent.ToString();
        var slash = agent.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 ? agent[..slash] : agent.Length > 0 ? agent : "unknown";
    }

    private static async Task<string> ReadBodyAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        return await reader.ReadToEndAsync(context.RequestAborted);
    }

    private static async Task<JsonObject> ReadObjectAsync(HttpContext context) =>
        JsonNode.Parse(await ReadBodyAsync(context)) as JsonObject ?? throw FakeApiException.BadRequest("the body must be a JSON object");
}
