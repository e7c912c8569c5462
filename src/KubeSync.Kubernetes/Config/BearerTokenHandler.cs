using System.Net.Http.Headers;

namespace KubeSync.Kubernetes.Config;

/// <summary>Adds <c>Authorization: Bearer ...</c> from a <see cref="BearerTokenSource"/> to every request, WebSocket upgrades included.</summary>
internal sealed class BearerTokenHandler : DelegatingHandler
{
    private readonly BearerTokenSource _source;

    public BearerTokenHandler(BearerTokenSource source, HttpMessageHandler inner)
        : base(inner)
    {
        _source = source;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = _source.GetToken();
        if (!string.IsNullOrEmpty(token))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
