using KubeSync.Kubernetes.Config;
using KubeSync.Testing;

namespace KubeSync.Kubernetes.Tests.Config;

public sealed class KubeConfigLoaderTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Load_TwoFiles_FirstFileWinsPerNameAndForCurrentContext()
    {
        var first = _dir.WriteFile("a/config", """
            current-context: one
            clusters:
            - name: c1
              cluster:
                server: https://first.example:6443
            contexts:
            - name: one
              context: {cluster: c1, user: u1, namespace: team-a}
            users:
            - name: u1
              user: {token: first-token}
            """);
        var second = _dir.WriteFile("b/config", """
            current-context: two
            clusters:
            - name: c1
              cluster:
                server: https://second.example:6443
            - name: c2
              cluster:
                server: https://other.example
                insecure-skip-tls-verify: true
                tls-server-name: api.internal
            contexts:
            - name: two
              context: {cluster: c2, user: u1}
            users:
            - name: u1
              user: {token: second-token}
            """);

        var config = KubeConfigLoader.Load([first, _dir.Combine("missing"), second]);
        var other = KubeConfigLoader.Load([first, second], context: "two");

        Assert.Equal(new Uri("https://first.example:6443"), config.Server);
        Assert.Equal("first-token", config.Token);
        Assert.Equal("team-a", config.Namespace);
        Assert.Equal(new Uri("https://other.example"), other.Server);
        Assert.True(other.InsecureSkipTlsVerify);
        Assert.Equal("api.internal", other.TlsServerName);
        Assert.Equal("first-token", other.Token);
        Assert.Equal("default", other.Namespace);
    }

    [Fact]
    public void Load_RelativeCertificateAuthorityAndTokenFile_ResolvedAgainstTheFile()
    {
        using var ca = Testing.FakeApi.TestCertificateAuthority.Create();
        _dir.WriteFile("kube/ca.crt", ca.CertificatePem);
        _dir.WriteFile("kube/token", "file-token");
        var path = _dir.WriteFile("kube/config", """
            current-context: c
            clusters:
            - name: c
              cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt}
            contexts:
            - name: c
              context: {cluster: c, user: u}
            users:
            - name: u
              user: {tokenFile: token}
            """);

        var config = KubeConfigLoader.Load([path]);

        Assert.Equal(ca.Certificate.Thumbprint, Assert.Single(config.CertificateAuthority!).Thumbprint);
        Assert.Equal(_dir.Combine("kube/token"), config.TokenFile);
    }

    [Fact]
    public void Load_UnknownContext_ErrorNamesTheContextAndFiles()
    {
        var path = _dir.WriteFile("config", "current-context: nope\n");

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load([path]));

        Assert.Contains("'nope'", error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_UnknownKeysAndEmptySections_AreIgnoredAsKubectlDoes()
    {
        var path = _dir.WriteFile("config", """
            apiVersion: v1
            kind: Config
            preferences: {}
            current-context: c
            clusters:
            - name: c
              cluster: {server: "https://x", extensions: [{name: e, extension: {a: 1}}], insecure-skip-tls-verify: False}
            contexts: [{name: c, context: {cluster: c}}]
            users:
            """);

        var config = KubeConfigLoader.Load([path]);

        Assert.Equal(new Uri("https://x"), config.Server);
        Assert.False(config.InsecureSkipTlsVerify);
        Assert.Null(config.Token);
        Assert.Null(config.ClientCertificate);
    }

    [Theory]
    [InlineData("clusters: {c: {server: https://x}}", "'clusters' must be a list")]
    [InlineData("clusters: [{name: c, cluster: {server: [a, b]}}]", "clusters[0].cluster.server must be a string")]
    [InlineData("clusters: [{name: c, cluster: {server: https://x, insecure-skip-tls-verify: sometimes}}]", "clusters[0].cluster.insecure-skip-tls-verify must be true or false, not 'sometimes'")]
    [InlineData("contexts: [just-a-name]", "contexts[0] must be a mapping")]
    [InlineData("- a list", "the document must be a mapping")]
    public void Load_KnownKeyOfTheWrongShape_ErrorNamesTheKeyAndFile(string yaml, string expected)
    {
        var path = _dir.WriteFile("config", yaml);

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load([path], context: "c"));

        Assert.Contains($"{path}: {expected}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExecPluginUser_ErrorSaysPluginsAreNotRun()
    {
        var path = _dir.WriteFile("config", """
            current-context: c
            clusters: [{name: c, cluster: {server: "https://x"}}]
            contexts: [{name: c, context: {cluster: c, user: u}}]
            users: [{name: u, user: {exec: {command: aws}}}]
            """);

        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load([path]));

        Assert.Contains("exec credential plugin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_NoFileExists_ErrorListsTheFiles()
    {
        var error = Assert.Throws<KubeConfigException>(() => KubeConfigLoader.Load([_dir.Combine("none")]));

        Assert.Contains(_dir.Combine("none"), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DefaultPaths_KubeconfigVariable_SplitsOnColon()
    {
        Assert.Equal(["/a", "/b"], KubeConfigLoader.DefaultPaths("/a:/b", "/home/x"));
        Assert.Equal([Path.Combine("/home/x", ".kube", "config")], KubeConfigLoader.DefaultPaths(null, "/home/x"));
    }
}
