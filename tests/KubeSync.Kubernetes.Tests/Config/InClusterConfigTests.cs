using KubeSync.Kubernetes.Config;
using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Kubernetes.Tests.Config;

public sealed class InClusterConfigTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_ServiceAccountFiles_BuildsServerCaNamespaceAndTokenFile()
    {
        using var ca = TestCertificateAuthority.Create();
        _dir.WriteFile("sa/ca.crt", ca.CertificatePem);
        _dir.WriteFile("sa/token", "t");
        _dir.WriteFile("sa/namespace", "apps\n");
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "fd00::1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var config = InClusterConfig.Load(env.GetValueOrDefault, _dir.Combine("sa"));

        Assert.Equal(new Uri("https://[fd00::1]:443"), config.Server);
        Assert.Equal("apps", config.Namespace);
        Assert.Equal(_dir.Combine("sa/token"), config.TokenFile);
        Assert.Single(config.CertificateAuthority!);
    }

    [Fact]
    public void Load_NoServiceEnvironment_ErrorNamesTheVariables()
    {
        var error = Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(_ => null, _dir.Path));

        Assert.Contains("KUBERNETES_SERVICE_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoToken_ErrorNamesTheFile()
    {
        var env = new Dictionary<string, string> { ["KUBERNETES_SERVICE_HOST"] = "10.0.0.1", ["KUBERNETES_SERVICE_PORT"] = "443" };

        var error = Assert.Throws<KubeConfigException>(() => InClusterConfig.Load(env.GetValueOrDefault, _dir.Path));

        Assert.Contains(Path.Combine(_dir.Path, "token"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetToken_FileRotated_ReReadAfterAMinuteOnly()
    {
        var file = _dir.WriteFile("token", "old\n");
        var clock = new ManualTimeProvider(new DateTimeOffset(2026, 11, 21, 9, 0, 0, TimeSpan.Zero));
        var source = new BearerTokenSource(null, file, clock);

        var first = source.GetToken();
        File.WriteAllText(file, "new");
        clock.Advance(TimeSpan.FromSeconds(59));
        var cached = source.GetToken();
        clock.Advance(TimeSpan.FromSeconds(1));
        var fresh = source.GetToken();

        Assert.Equal(["old", "old", "new"], new[] { first!, cached!, fresh! });
    }
}
