using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Resources;

using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeSync.Kubernetes.Rest;

/// <summary>
/// The connection to one API server: sends requests, maps non-2xx answers to <see cref="KubeApiException"/>s,
/// and hands out a <see cref="ResourceClient{T}"/> per resource.
/// </summary>
public sealed class KubeApiClient : IDisposable
{
    private readonly HttpMessageHandler _handler;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    public KubeApiClient(KubeClientConfig config, TimeProvider? timeProvider = null, ILoggerFactory? loggerFactory = null)
        : this(
            KubeHttpHandlerFactory.Create(config, timeProvider ?? TimeProvider.System),
            config.Server,
            config.Namespace,
            config.RequestTimeout,
            timeProvider,
            loggerFactory)
    {
    }

    /// <summary>Uses <paramref name="handler"/> (disposed with this client) for every request and WebSocket.</summary>
    public KubeApiClient(
        HttpMessageHandler handler,
        Uri server,
        string defaultNamespace,
        TimeSpan requestTimeout,
        TimeProvider? timeProvider = null,
        ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(server);
        _handler = handler;
        _http = new HttpClient(handler, disposeHandler: false)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower,

            // A bound on any one buffered answer; a page of a large list stays far below it.
            MaxResponseContentBufferSize = 256 * 1024 * 1024,
        };

        // The API server names an update's field manager after the User-Agent when the call names none.
        _http.DefaultRequestHeaders.UserAgent.ParseAdd($"kubesync/{typeof(KubeApiClient).Assembly.GetName().Version?.ToString(3) ?? "0"}");
        Server = server;
        DefaultNamespace = defaultNamespace;
        RequestTimeout = requestTimeout;
        TimeProvider = timeProvider ?? TimeProvider.System;
        LoggerFactory = loggerFactory ?? NullLoggerFactory.Instance;
        _logger = LoggerFactory.CreateLogger<KubeApiClient>();
    }

    public Uri Server { get; }

    public string DefaultNamespace { get; }

    public TimeSpan RequestTimeout { get; }

    public TimeProvider TimeProvider { get; }

    public ILoggerFactory LoggerFactory { get; }

    /// <summary>The handler, for WebSocket connections that need the same TLS and credentials.</summary>
    internal HttpMessageHandler Handler => _handler;

    public ResourceClient<T> Resource<T>(ResourceType<T> type)
        where T : KubeObject => new(this, type);

    /// <summary>The server's <c>/version</c>.</summary>
    public async Task<ServerVersion> GetServerVersionAsync(CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, UriFor("/version"));
        using var response = await SendAsync(request, streaming: false, cancellationToken);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        return JsonSerializer.Deserialize(body, KubeJsonContext.Default.JsonObject) is { } document
            ? ServerVersion.Parse(document)
            : throw new FormatException("/version: the answer is not a JSON object");
    }

    /// <summary>The absolute URI of an API path, keeping any path prefix of the server URL.</summary>
    public Uri UriFor(string pathAndQuery) => new(Server.AbsoluteUri.TrimEnd('/') + pathAndQuery);

    /// <summary>
    /// Sends <paramref name="request"/>; a non-2xx answer becomes a <see cref="KubeApiException"/>. With
    /// <paramref name="streaming"/> the request has no timeout and the body is left unread for the caller.
    /// </summary>
    internal async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, bool streaming, CancellationToken cancellationToken)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        // HTTP/2 where the server offers it: keep-alive pings then notice a dead connection under a quiet watch.
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (!streaming)
        {
            timeout.CancelAfter(RequestTimeout);
        }

        HttpResponseMessage response;
        try
        {
            response = await _http.SendAsync(
                request,
                streaming ? HttpCompletionOption.ResponseHeadersRead : HttpCompletionOption.ResponseContentRead,
                timeout.Token);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            Log.RequestTimedOut(_logger, request.Method, request.RequestUri, RequestTimeout);
            throw new TimeoutException($"{request.Method} {request.RequestUri?.AbsolutePath}: no answer within {RequestTimeout.TotalSeconds:0.#} s", e);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var status = await ReadStatusAsync(response, cancellationToken);
            var error = KubeApiException.Create(response.StatusCode, status, $"{request.Method} {request.RequestUri?.AbsolutePath}");
            Log.RequestFailed(_logger, request.Method, request.RequestUri, (int)response.StatusCode, error.Reason);
            throw error;
        }
    }

    private static async Task<Status?> ReadStatusAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, KubeJsonContext.Default.Status);
        }
        catch (JsonException)
        {
            // Proxies in front of the API server answer with HTML; the status code alone must do.
            return null;
        }
    }

    public void Dispose()
    {
        _http.Dispose();
        _handler.Dispose();
    }
}
