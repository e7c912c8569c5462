namespace KubeSync.Kubernetes.Tests.Leadership;

/// <summary>Fails every request while <see cref="Partitioned"/> is set: a replica cut off from the API server.</summary>
internal sealed class PartitionHandler : DelegatingHandler
{
    public PartitionHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public volatile bool Partitioned;

    /// <summary>Requests hang until cancelled: an API server that accepts connections and never answers.</summary>
    public volatile bool Hung;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (Hung)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        return Partitioned
            ? throw new HttpRequestException("network partition (test)")
            : await base.SendAsync(request, cancellationToken);
    }
}
