using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Kubernetes.Rest;

/// <summary>
/// Calls on one resource (<c>pods</c>, <c>leases</c>, ...). A null namespace means the client's default
/// namespace for single objects and all namespaces for lists and watches; cluster-scoped kinds ignore it.
/// </summary>
public sealed partial class ResourceClient<T>
    where T : KubeObject
{
    private readonly KubeApiClient _api;

    internal ResourceClient(KubeApiClient api, ResourceType<T> type)
    {
        _api = api;
        Type = type;
    }

    public ResourceType<T> Type { get; }

    private ResourceKind Kind => Type.Kind;

    /// <summary>The object; <see cref="KubeNotFoundException"/> when it does not exist.</summary>
    public Task<T> GetAsync(string? ns, string name, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, ObjectPath(ns, name), null, Type.TypeInfo, cancellationToken);

    /// <summary>
    /// The object, or null when it does not exist. A 404 for the resource itself (a CRD not installed)
    /// still throws: that is a broken setup, not a missing object.
    /// </summary>
    public async Task<T?> FindAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await GetAsync(ns, name, cancellationToken);
        }
        catch (KubeNotFoundException e) when (IsMissingObject(e, name))
        {
            return null;
        }
    }

    /// <summary>One page; pass <see cref="ListMeta.Continue"/> back in <see cref="ListOptions.Continue"/> for the next.</summary>
    public Task<KubeList<T>> ListAsync(string? ns, ListOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ListOptions();
        var path = ResourcePaths.WithQuery(
            ResourcePaths.For(Kind, ns),
            ("labelSelector", options.LabelSelector),
            ("fieldSelector", options.FieldSelector),
            ("limit", options.Limit > 0 ? options.Limit.ToString() : null),
            ("continue", options.Continue));
        return SendAsync(HttpMethod.Get, path, null, Type.ListTypeInfo, cancellationToken);
    }

    /// <summary>Every page, <see cref="ListOptions.Limit"/> (500 when unset) at a time; the result carries the last page's list metadata.</summary>
    public async Task<KubeList<T>> ListAllAsync(string? ns, ListOptions? options, CancellationToken cancellationToken)
    {
        options ??= new ListOptions();
        options = options with { Limit = options.Limit > 0 ? options.Limit : 500, Continue = null };
        var all = new List<T>();
        while (true)
        {
            var page = await ListAsync(ns, options, cancellationToken);
            all.AddRange(page.Items);
            if (string.IsNullOrEmpty(page.Metadata.Continue))
            {
                page.Items = all;
                return page;
            }

            options = options with { Continue = page.Metadata.Continue };
        }
    }

    /// <summary>Creates <paramref name="obj"/>; <see cref="KubeAlreadyExistsException"/> when the name is taken.</summary>
    public Task<T> CreateAsync(T obj, CancellationToken cancellationToken) => CreateAsync(obj, null, cancellationToken);

    /// <summary>Creates <paramref name="obj"/> with <paramref name="fieldManager"/> owning its fields.</summary>
    public Task<T> CreateAsync(T obj, string? fieldManager, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var path = ResourcePaths.WithQuery(ResourcePaths.For(Kind, Namespace(obj.Metadata.Namespace)), ("fieldManager", fieldManager));
        return SendAsync(HttpMethod.Post, path, JsonBody(obj, "application/json"), Type.TypeInfo, cancellationToken);
    }

    /// <summary>
    /// Replaces the object. Its <c>metadata.resourceVersion</c> is the precondition: a stale one gives
    /// <see cref="KubeConflictException"/>.
    /// </summary>
    public Task<T> ReplaceAsync(T obj, CancellationToken cancellationToken) => ReplaceAsync(obj, null, cancellationToken);

    /// <summary>Replaces the status subresource only.</summary>
    public Task<T> ReplaceStatusAsync(T obj, CancellationToken cancellationToken) => ReplaceAsync(obj, "status", cancellationToken);

    /// <summary>Deletes the object; false when it did not exist.</summary>
    public Task<bool> DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => DeleteAsync(ns, name, null, cancellationToken);

    /// <summary>Deletes the object with propagation and preconditions; false when it did not exist, <see cref="KubeConflictException"/> when a precondition failed.</summary>
    public async Task<bool> DeleteAsync(string? ns, string name, DeleteOptions? options, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Delete, _api.UriFor(ObjectPath(ns, name)));
            if (options is not null)
            {
                request.Content = DeleteBody(options);
            }

            using var response = await _api.SendAsync(request, streaming: false, cancellationToken);
            return true;
        }
        catch (KubeNotFoundException e) when (IsMissingObject(e, name))
        {
            return false;
        }
    }

    /// <summary>A merge, JSON or strategic merge patch.</summary>
    public Task<T> PatchAsync(string? ns, string name, PatchType type, JsonNode patch, CancellationToken cancellationToken) =>
        PatchAsync(ns, name, type, patch, null, cancellationToken);

    /// <summary>A patch of the status subresource only.</summary>
    public Task<T> PatchStatusAsync(string? ns, string name, PatchType type, JsonNode patch, CancellationToken cancellationToken) =>
        PatchAsync(ns, name, type, patch, "status", cancellationToken);

    private Task<T> PatchAsync(string? ns, string name, PatchType type, JsonNode patch, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var mediaType = type switch
        {
            PatchType.Merge => "application/merge-patch+json",
            PatchType.Json => "application/json-patch+json",
            _ => "application/strategic-merge-patch+json",
        };
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(patch, KubeJsonContext.Default.JsonNode));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return SendAsync(HttpMethod.Patch, ObjectPath(ns, name, subresource), content, Type.TypeInfo, cancellationToken);
    }

    /// <summary>
    /// Server-side apply of exactly the fields set in <paramref name="obj"/> (null properties are not sent),
    /// owned by <see cref="ApplyOptions.FieldManager"/>; fields it applied before and no longer applies are removed.
    /// </summary>
    public Task<ApplyResult<T>> ApplyAsync(T obj, ApplyOptions options, CancellationToken cancellationToken) =>
        ApplyAsync(obj, options, null, cancellationToken);

    /// <summary>Server-side apply to the status subresource.</summary>
    public Task<ApplyResult<T>> ApplyStatusAsync(T obj, ApplyOptions options, CancellationToken cancellationToken) =>
        ApplyAsync(obj, options, "status", cancellationToken);

    private async Task<ApplyResult<T>> ApplyAsync(T obj, ApplyOptions options, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        ArgumentNullException.ThrowIfNull(options);
        var name = obj.Metadata.Name ?? throw new ArgumentException("apply needs metadata.name", nameof(obj));
        var path = ResourcePaths.WithQuery(
            ObjectPath(obj.Metadata.Namespace, name, subresource),
            ("fieldManager", options.FieldManager),
            ("force", options.Force ? "true" : null));
        using var request = new HttpRequestMessage(HttpMethod.Patch, _api.UriFor(path)) { Content = JsonBody(obj, "application/apply-patch+yaml") };
        using var response = await _api.SendAsync(request, streaming: false, cancellationToken);
        var result = await ReadAsync(response, Type.TypeInfo, cancellationToken);
        return new ApplyResult<T>(result, response.StatusCode == HttpStatusCode.Created);
    }

    private Task<T> ReplaceAsync(T obj, string? subresource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata.Name ?? throw new ArgumentException("replace needs metadata.name", nameof(obj));
        return SendAsync(HttpMethod.Put, ObjectPath(obj.Metadata.Namespace, name, subresource), JsonBody(obj, "application/json"), Type.TypeInfo, cancellationToken);
    }

    private static ByteArrayContent DeleteBody(DeleteOptions options)
    {
        var body = new JsonObject { ["kind"] = "DeleteOptions", ["apiVersion"] = "v1" };
        if (options.PropagationPolicy is not null)
        {
            body["propagationPolicy"] = options.PropagationPolicy;
        }

        if (options.PreconditionUid is not null || options.PreconditionResourceVersion is not null)
        {
            var preconditions = new JsonObject();
            if (options.PreconditionUid is not null)
            {
                preconditions["uid"] = options.PreconditionUid;
            }

            if (options.PreconditionResourceVersion is not null)
            {
                preconditions["resourceVersion"] = options.PreconditionResourceVersion;
            }

            body["preconditions"] = preconditions;
        }

        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, KubeJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>The API names the object in the Status details of an object's 404, and nothing for an unknown resource.</summary>
    private static bool IsMissingObject(KubeNotFoundException e, string name) => e.Status?.Details?.Name == name;

    private string? Namespace(string? ns) => Kind.Namespaced ? ns ?? _api.DefaultNamespace : null;

    private string ObjectPath(string? ns, string name, string? subresource = null) =>
        ResourcePaths.For(Kind, Namespace(ns), name, subresource);

    /// <summary>The object as JSON, with apiVersion and kind filled in from the resource when the caller left them out.</summary>
    private ByteArrayContent JsonBody(T obj, string mediaType)
    {
        var node = JsonSerializer.SerializeToNode(obj, Type.TypeInfo)!.AsObject();
        node["apiVersion"] ??= Kind.ApiVersion;
        node["kind"] ??= Kind.Kind;
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(node, KubeJsonContext.Default.JsonObject));
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        return content;
    }

    private async Task<TResult> SendAsync<TResult>(HttpMethod method, string path, HttpContent? content, JsonTypeInfo<TResult> typeInfo, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, _api.UriFor(path)) { Content = content };
        using var response = await _api.SendAsync(request, streaming: false, cancellationToken);
        return await ReadAsync(response, typeInfo, cancellationToken);
    }

    private static async Task<TResult> ReadAsync<TResult>(HttpResponseMessage response, JsonTypeInfo<TResult> typeInfo, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return JsonSerializer.Deserialize(body, typeInfo)
            ?? throw new JsonException($"{response.RequestMessage?.RequestUri?.AbsolutePath}: empty answer");
    }
}
