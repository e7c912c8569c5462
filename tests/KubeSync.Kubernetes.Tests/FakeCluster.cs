using System.Security.Cryptography.X509Certificates;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Kubernetes.Tests;

/// <summary>A fake API server and a client configured for it (trusting its CA, carrying its token).</summary>
internal sealed class FakeCluster : IAsyncDisposable
{
    private FakeCluster(FakeKubeApiServer server, KubeApiClient client)
    {
        Server = server;
        Client = client;
    }

    public FakeKubeApiServer Server { get; }

    public KubeApiClient Client { get; }

    public static async Task<FakeCluster> StartAsync(FakeKubeApiServerOptions? options = null)
    {
        var server = await FakeKubeApiServer.StartAsync(options).WithTimeout("fake API server start");
        return new FakeCluster(server, new KubeApiClient(ConfigFor(server)));
    }

    public static KubeClientConfig ConfigFor(FakeKubeApiServer server, string? token = null) => new()
    {
        Server = server.BaseAddress,
        CertificateAuthority = [X509CertificateLoader.LoadCertificate(server.Authority.Certificate.RawData)],
        Token = token ?? server.Token,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Server.DisposeAsync();
    }
}
