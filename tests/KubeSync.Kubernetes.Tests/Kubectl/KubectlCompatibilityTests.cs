using System.Text.Json.Nodes;

using KubeSync.Testing;
using KubeSync.Testing.FakeApi;

namespace KubeSync.Kubernetes.Tests.Kubectl;

/// <summary>The real kubectl against the fake: proof that the fake speaks the real protocol (discovery, TLS, token, apply).</summary>
[Trait("Category", "Kubectl")]
public sealed class KubectlCompatibilityTests
{
    private const string ConfigMap = """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
          labels: {app: demo}
        data:
          mode: fast
        """;

    private const string Deployment = """
        apiVersion: apps/v1
        kind: Deployment
        metadata:
          name: web
        spec:
          replicas: 2
          selector:
            matchLabels: {app: web}
          template:
            metadata:
              labels: {app: web}
            spec:
              containers:
              - name: app
                image: nginx:1
        """;

    [KubectlFact]
    public async Task Kubectl_ApplyCrdThenCustomResource_ServedByShortName()
    {
        const string crd = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: widgets.example.com
            spec:
              group: example.com
              scope: Namespaced
              names: {plural: widgets, singular: widget, kind: Widget, shortNames: [wd]}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
            """;
        using var dir = new TempDirectory();
        await using var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake server");
        var kubectl = new Kubectl(server.WriteKubeconfig(dir.Combine("kubeconfig")), dir.Combine("cache"));

        var install = await kubectl.RunAsync(crd, "apply", "--server-side", "-f", "-");
        var create = await kubectl.RunAsync("apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3}\n", "apply", "--server-side", "-f", "-");
        var get = await kubectl.RunAsync(null, "get", "wd", "-o", "name");

        Assert.True(install.ExitCode == 0, install.Stderr);
        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal("widget.example.com/w1", get.Stdout.Trim());
    }

    [KubectlFact]
    public async Task KubectlExec_WebSocketFraming_PrintsOutputAndReturnsExitCode()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake server");
        var protocols = new System.Collections.Concurrent.ConcurrentBag<string>();
        server.ExecHandler = async (context, cancellationToken) =>
        {
            protocols.Add(context.Protocol);
            await context.WriteStdoutAsync($"hello from {context.Container}\n", cancellationToken);
            await context.WriteStderrAsync("warning\n", cancellationToken);
            return int.Parse(context.Command[^1]);
        };
        var kubectl = new Kubectl(server.WriteKubeconfig(dir.Combine("kubeconfig")), dir.Combine("cache"));
        await kubectl.RunAsync("apiVersion: v1\nkind: Pod\nmetadata: {name: web-0}\nspec: {containers: [{name: app, image: nginx}]}\n", "create", "-f", "-");

        var ok = await kubectl.RunAsync(null, "exec", "web-0", "-c", "app", "--", "exit", "0");
        var failed = await kubectl.RunAsync(null, "exec", "web-0", "-c", "app", "--", "exit", "3");

        Assert.True(ok.ExitCode == 0, ok.Stderr);
        Assert.Equal("hello from app\n", ok.Stdout);
        Assert.Contains("warning", ok.Stderr, StringComparison.Ordinal);
        Assert.Equal(3, failed.ExitCode);
        Assert.Equal(["v5.channel.k8s.io", "v5.channel.k8s.io"], protocols);
    }

    [KubectlFact]
    public async Task Kubectl_CreateGetApplyDelete_WorksAgainstTheFake()
    {
        using var dir = new TempDirectory();
        await using var server = await FakeKubeApiServer.StartAsync().WithTimeout("fake server");
        var kubectl = new Kubectl(server.WriteKubeconfig(dir.Combine("kubeconfig")), dir.Combine("cache"));

        var create = await kubectl.RunAsync(ConfigMap, "create", "-f", "-");
        var get = await kubectl.RunAsync(null, "get", "configmap", "settings", "-o", "json");
        var list = await kubectl.RunAsync(null, "get", "configmaps", "-l", "app=demo", "-o", "name");
        var table = await kubectl.RunAsync(null, "get", "cm");
        var apply = await kubectl.RunAsync(Deployment, "apply", "--server-side", "--field-manager=kubectl-test", "-f", "-");
        var reapply = await kubectl.RunAsync(Deployment.Replace("replicas: 2", "replicas: 3", StringComparison.Ordinal), "apply", "--server-side", "--field-manager=kubectl-test", "-f", "-");
        var delete = await kubectl.RunAsync(null, "delete", "configmap", "settings");
        var gone = await kubectl.RunAsync(null, "get", "configmap", "settings");

        Assert.True(create.ExitCode == 0, create.Stderr);
        Assert.Contains("configmap/settings created", create.Stdout, StringComparison.Ordinal);
        Assert.True(get.ExitCode == 0, get.Stderr);
        Assert.Equal("fast", JsonNode.Parse(get.Stdout)!["data"]!["mode"]!.GetValue<string>());
        Assert.Equal("configmap/settings", list.Stdout.Trim());
        Assert.True(table.ExitCode == 0, table.Stderr);
        Assert.Contains("settings", table.Stdout, StringComparison.Ordinal);
        Assert.True(apply.ExitCode == 0, apply.Stderr);
        Assert.Contains("deployment.apps/web serverside-applied", apply.Stdout, StringComparison.Ordinal);
        Assert.True(reapply.ExitCode == 0, reapply.Stderr);
        var deployment = server.Store.Find(server.Resources.Find("apps", "v1", "deployments")!, "default", "web")!;
        Assert.Equal(3, deployment["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("kubectl-test", deployment["metadata"]!["managedFields"]![0]!["manager"]!.GetValue<string>());
        Assert.True(delete.ExitCode == 0, delete.Stderr);
        Assert.Contains("configmap \"settings\" deleted", delete.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, gone.ExitCode);
        Assert.Contains("NotFound", gone.Stderr, StringComparison.Ordinal);
    }
}
