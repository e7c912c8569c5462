using KubeSync.Delivery.Tests.Support;
using KubeSync.Testing;

namespace KubeSync.Delivery.Tests.E2e;

/// <summary>The kind cluster config and the e2e scripts in tests/e2e: checked here, run where Docker and kind are.</summary>
public sealed class KindE2eTests
{
    private static readonly string ScriptDirectory = RepositoryLayout.Combine("tests/e2e");
    private static readonly string[] Scripts = ["build-images.sh", "cluster-up.sh", "nginx-sync.sh", "cluster-down.sh", "run.sh"];

    [Fact]
    public void KindConfig_OneControlPlaneThreeWorkers()
    {
        var config = YamlDocuments.ParseFile(RepositoryLayout.Combine("kind-config.yaml"));
        var roles = config["nodes"]!.AsArray().Select(n => (string)n!["role"]!).ToList();

        Assert.Equal("Cluster", (string?)config["kind"]);
        Assert.Equal("kind.x-k8s.io/v1alpha4", (string?)config["apiVersion"]);
        Assert.Equal(["control-plane", "worker", "worker", "worker"], roles);
    }

    [Fact]
    public async Task Scripts_Bash_ParsesEveryScript()
    {
        foreach (var script in Scripts.Append("lib.sh"))
        {
            var result = await ExternalTool.RunAsync("/bin/bash", ["-n", Path.Combine(ScriptDirectory, script)]);
            Assert.True(result.ExitCode == 0, $"{script}: {result.Output}");
        }
    }

    [Fact]
    public void Scripts_Executable()
    {
        foreach (var script in Scripts)
        {
            Assert.True(File.GetUnixFileMode(Path.Combine(ScriptDirectory, script)).HasFlag(UnixFileMode.UserExecute), $"tests/e2e/{script} is not executable");
        }
    }

    [ToolFact("Debian's shellcheck package; .ci/run installs it", "shellcheck")]
    public async Task Scripts_Shellcheck_Clean()
    {
        var result = await ExternalTool.RunAsync(ExternalTool.Find("shellcheck")!, ["-x", .. Scripts, "lib.sh"], ScriptDirectory);

        Assert.True(result.ExitCode == 0, result.Output);
    }

    [Fact]
    public async Task RunScript_WithoutTheTools_PrintsSkipAndExitsZero()
    {
        // A PATH with bash and dirname only: none of docker, kind, helm and kubectl.
        using var bin = new TempDirectory();
        File.CreateSymbolicLink(bin.Combine("bash"), "/bin/bash");
        File.CreateSymbolicLink(bin.Combine("dirname"), ExternalTool.Find("dirname")!);

        var result = await ExternalTool.RunAsync(
            "/bin/bash", [Path.Combine(ScriptDirectory, "run.sh")], environment: new Dictionary<string, string> { ["PATH"] = bin.Path }, timeout: TimeSpan.FromSeconds(30));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.StartsWith("SKIP: the kind e2e test needs docker kind helm kubectl on PATH", result.Stdout, StringComparison.Ordinal);
    }

    [Trait("Category", "e2e")]
    [E2eFact]
    public async Task KindE2e_NginxExample_SyncsReloadsAndCleansUp()
    {
        var result = await ExternalTool.RunAsync("/bin/bash", [Path.Combine(ScriptDirectory, "run.sh")], timeout: TimeSpan.FromMinutes(40));

        Assert.True(result.ExitCode == 0, result.Output);
        Assert.DoesNotContain("SKIP:", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("PASS: nginx example synced, reloaded and cleaned up", result.Stdout, StringComparison.Ordinal);
    }
}
