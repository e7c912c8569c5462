using System.Text.Json.Nodes;

using Microsoft.AspNetCore.Http;

namespace KubeSync.Testing.FakeApi;

internal sealed partial class FakeApiRouter
{
    private async Task ResourceAsync(HttpContext context, FakeRequestTarget target)
    {
        var method = context.Request.Method;
        var (definition, ns, name, sub) = target;
        if (sub is not null and not "status" and not "exec")
        {
            throw NotFound(context);
        }

        if (sub == "exec")
        {
            await ExecAsync(context, target);
            return;
        }

        var status = sub == "status";
        if (status && !definition.HasStatusSubresource)
        {
            throw NotFound(context);
        }

        if (name is null)
        {
            await CollectionAsync(context, definition, ns);
            return;
        }

        if (definition.Namespaced && ns is null)
        {
            throw NotFound(context);
        }

        JsonObject result;
        var code = 200;
        if (HttpMethods.IsGet(method))
        {
            result = Store.Get(definition, ns, name);
        }
        else if (HttpMethods.IsPut(method))
        {
            result = Store.Replace(definition, ns, name, await ReadObjectAsync(context), Manager(context), status);
        }
        else if (HttpMethods.IsDelete(method))
        {
            var options = await ReadBodyAsync(context) is { Length: > 0 } text ? JsonNode.Parse(text) as JsonObject : null;
            result = Store.Delete(definition, ns, name, options?["preconditions"] as JsonObject);
        }
        else if (HttpMethods.IsPatch(method))
        {
            (result, code) = await PatchAsync(context, target, status);
        }
        else
        {
            throw new FakeApiException(405, "MethodNotAllowed", $"{method} is not supported");
        }

        ServeIfCustomResourceDefinition(definition, method, result);
        await WriteJsonAsync(context, code, result);
    }

    private void ServeIfCustomResourceDefinition(FakeResourceDefinition definition, string method, JsonObject stored)
    {
        if (definition.Group == "apiextensions.k8s.io" && definition.Plural == "customresourcedefinitions" && !HttpMethods.IsGet(method) && !HttpMethods.IsDelete(method))
        {
            _server.Resources.AddCustomResource(stored);
        }
    }

    private async Task CollectionAsync(HttpContext context, FakeResourceDefinition definition, string? ns)
    {
        var method = context.Request.Method;
        if (HttpMethods.IsGet(method))
        {
            await ListOrWatchAsync(context, definition, ns);
        }
        else if (HttpMethods.IsPost(method))
        {
            var created = Store.Create(definition, ns, await ReadObjectAsync(context), Manager(context));
            ServeIfCustomResourceDefinition(definition, method, created);
            await WriteJsonAsync(context, 201, created);
        }
        else
        {
            throw new FakeApiException(405, "MethodNotAllowed", $"{method} is not supported on a collection by the fake");
        }
    }

    private async Task<(JsonObject Result, int Code)> PatchAsync(HttpContext context, FakeRequestTarget target, bool status)
    {
        var (definition, ns, name, _) = target;
        var contentType = (context.Request.ContentType ?? "").Split(';')[0].Trim();
        var body = await ReadBodyAsync(context);
        switch (contentType)
        {
            case "application/apply-patch+yaml":
                var force = context.Request.Query["force"].ToString() == "true";
                if (context.Request.Query["fieldManager"].ToString().Length == 0)
                {
                    throw FakeApiException.BadRequest("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch");
                }

                var (applied, created) = Store.Apply(definition, ns, name!, FakeYaml.ParseObject(body), Manager(context), force, status);
                return (applied, created ? 201 : 200);
            case "application/merge-patch+json":
            case "application/strategic-merge-patch+json":
                // Strategic merge is served as a plain merge patch: enough for labels and annotations, not for list-maps.
                var mergePatch = JsonNode.Parse(body);
                return (Store.Patch(definition, ns, name!, current => FakeMergePatch.Apply(current, mergePatch)!.AsObject(), Manager(context), status), 200);
            case "application/json-patch+json":
                var operations = JsonNode.Parse(body) as JsonArray ?? throw FakeApiException.BadRequest("a JSON patch is an array");
                return (Store.Patch(definition, ns, name!, current => FakeJsonPatch.Apply(current, operations), Manager(context), status), 200);
            default:
                throw new FakeApiException(415, "UnsupportedMediaType", $"the body of the request was in an unknown format ({contentType})");
        }
    }

    private async Task ListOrWatchAsync(HttpContext context, FakeResourceDefinition definition, string? ns)
    {
        var query = context.Request.Query;
        var selector = FakeLabelSelector.Parse(query["labelSelector"]);
        if (query["watch"].ToString() is "true" or "1")
        {
            await WatchAsync(context, definition, ns, selector);
            return;
        }

        var limit = int.TryParse(query["limit"], out var l) ? l : 0;
        var page = Store.List(definition, ns, selector, limit, query["continue"]);
        var metadata = new JsonObject { ["resourceVersion"] = page.ResourceVersion };
        if (page.Continue is not null)
        {
            metadata["continue"] = page.Continue;
            metadata["remainingItemCount"] = page.RemainingItemCount;
        }

        await WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = definition.Kind + "List",
            ["apiVersion"] = definition.ApiVersion,
            ["metadata"] = metadata,
            ["items"] = new JsonArray([.. page.Items]),
        });
    }
}
