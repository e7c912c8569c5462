namespace KubeSync.Kubernetes.Tests.Leadership;

/// <summary>Fails every request while <see cref="Partitioned"/> is set: a replica cut off from the API server.</summary>
internal sealed class PartitionHandler : DelegatingHandler
{
    public PartitionHandler(HttpMessageHandler inner)
        : base(inner)
    {
    }

    public volatile bool Partitioned;

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        Partitioned
            ? Task.FromException<HttpResponseMessage>(new HttpRequestException("network partition (test)"))
            : base.SendAsync(request, cancellationToken);
}
