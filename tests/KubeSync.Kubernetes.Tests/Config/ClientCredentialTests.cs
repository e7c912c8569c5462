using System.Security.Cryptography.X509Certificates;
using System.Text;

using KubeSync.Kubernetes.Config;
using KubeSync.Kubernetes.Resources;
using KubeSync.Kubernetes.Rest;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.Config;

/// <summary>Configurations read from files, used against the fake over TLS.</summary>
public sealed class ClientCredentialTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Kubeconfig_ClientCertificateData_AuthenticatesWithoutToken()
    {
        await using var cluster = await FakeCluster.StartAsync();
        using var client = cluster.Server.Authority.IssueClientCertificate("admin");
        var pem = (string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
        var path = _dir.WriteFile("config", $"""
            current-context: c
            clusters:
            - name: c
              cluster:
                server: {cluster.Server.BaseAddress}
                certificate-authority-data: {pem(cluster.Server.Authority.CertificatePem)}
            contexts:
            - name: c
              context: {"{"}cluster: c, user: u, namespace: team{"}"}
            users:
            - name: u
              user:
                client-certificate-data: {pem(client.ExportCertificatePem())}
                client-key-data: {pem(client.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem())}
            """);

        using var api = new KubeApiClient(KubeConfigLoader.Load([path]));
        var created = await api.Resource(KubeResources.ConfigMaps).CreateAsync(new ConfigMap { Metadata = new ObjectMeta { Name = "m" } }, CancellationToken.None).WithTimeout("create");

        Assert.Equal("team", created.Metadata.Namespace);
    }

    [Theory]
    [InlineData("localhost", true, false)]
    [InlineData("api.example", false, false)]
    [InlineData(null, true, false)]
    [InlineData("api.example", true, true)]
    public async Task Tls_ServerNameAndInsecure_ValidatedAsConfigured(string? tlsServerName, bool expectSuccess, bool insecure)
    {
        await using var cluster = await FakeCluster.StartAsync();
        var trusted = FakeCluster.ConfigFor(cluster.Server);
        var config = new KubeClientConfig
        {
            Server = trusted.Server,
            Token = trusted.Token,
            CertificateAuthority = insecure ? null : trusted.CertificateAuthority,
            InsecureSkipTlsVerify = insecure,
            TlsServerName = tlsServerName,
        };
        using var api = new KubeApiClient(config);

        var list = api.Resource(KubeResources.Pods).ListAsync(null, null, CancellationToken.None);

        if (expectSuccess)
        {
            Assert.Empty((await list.WithTimeout("list")).Items);
        }
        else
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => list).WaitAsync(TimeSpan.FromSeconds(20));
        }
    }

    [Fact]
    public async Task Kubeconfig_WrittenByFake_WorksWithTokenAndCa()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var path = cluster.Server.WriteKubeconfig(_dir.Combine("kubeconfig"), ns: "apps");

        using var api = new KubeApiClient(KubeConfigLoader.Load([path]));
        var list = await api.Resource(KubeResources.Pods).ListAsync("apps", null, CancellationToken.None).WithTimeout("list");

        Assert.Empty(list.Items);
        Assert.Equal("apps", api.DefaultNamespace);
    }

    [Fact]
    public async Task TokenFile_Rotated_NewTokenUsedAfterRefresh()
    {
        await using var cluster = await FakeCluster.StartAsync();
        var tokenFile = _dir.WriteFile("token", "stale");
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var config = FakeCluster.ConfigFor(cluster.Server);
        using var api = new KubeApiClient(new KubeClientConfig { Server = config.Server, CertificateAuthority = config.CertificateAuthority, TokenFile = tokenFile }, clock);
        var pods = api.Resource(KubeResources.Pods);

        await Assert.ThrowsAsync<KubeUnauthorizedException>(() => pods.ListAsync(null, null, CancellationToken.None)).WaitAsync(TimeSpan.FromSeconds(20));
        File.WriteAllText(tokenFile, cluster.Server.Token);
        clock.Advance(BearerTokenSource.RefreshInterval);
        var list = await pods.ListAsync(null, null, CancellationToken.None).WithTimeout("list with the new token");

        Assert.Empty(list.Items);
    }
}
