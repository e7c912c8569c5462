using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>
/// Renders charts/kubesync with chart-render.go (Helm's engine rebuilt from Go's text/template and Debian's sprig;
/// helm itself is not installable here). The program is built once per test run into a temp directory.
/// </summary>
internal static class ChartRenderer
{
    /// <summary>Where Debian's Go library packages put their sources (GOPATH mode).</summary>
    public const string DebianGoPath = "/usr/share/gocode";

    private static readonly Lazy<Task<string>> Binary = new(BuildAsync);

    /// <summary>Why rendering cannot run here, or null when it can.</summary>
    public static string? MissingReason { get; } = FindMissing();

    /// <summary>Renders the chart with <paramref name="values"/> (YAML) laid over values.yaml; fails the test on a render error.</summary>
    public static async Task<RenderedChart> RenderAsync(string? values = null, IEnumerable<string>? apiVersions = null, string release = "kubesync", string ns = "kubesync-system")
    {
        var result = await TryRenderAsync(values, apiVersions, release, ns);
        Assert.True(result.ExitCode == 0, result.Output);
        return new RenderedChart(result.Stdout, [.. YamlDocuments.Parse(result.Stdout).Select(d => d.AsObject())]);
    }

    /// <summary>Renders and returns how chart-render ended, for tests that expect a failure.</summary>
    public static async Task<ToolResult> TryRenderAsync(string? values = null, IEnumerable<string>? apiVersions = null, string release = "kubesync", string ns = "kubesync-system")
    {
        var binary = await Binary.Value;
        using var dir = new KubeSync.Testing.TempDirectory("kubesync-render-");
        var args = new List<string> { "-chart", RepositoryLayout.Chart, "-release", release, "-namespace", ns };
        if (values is not null)
        {
            args.AddRange(["-values", dir.WriteFile("values.yaml", values)]);
        }

        if (apiVersions is not null)
        {
            args.AddRange(["-api-versions", string.Join(',', apiVersions)]);
        }

        return await ExternalTool.RunAsync(binary, args, timeout: TimeSpan.FromSeconds(60));
    }

    private static async Task<string> BuildAsync()
    {
        // One build cache for every run (it makes later builds quick); one binary per test process, removed at exit.
        var output = Path.Combine(Path.GetTempPath(), "kubesync-chart-render");
        Directory.CreateDirectory(output);
        var binary = Path.Combine(output, $"chart-render-{Environment.ProcessId}");
        AppDomain.CurrentDomain.ProcessExit += (_, _) => File.Delete(binary);
        var source = RepositoryLayout.Combine("tests/KubeSync.Delivery.Tests/Rendering/chart-render.go");
        var result = await ExternalTool.RunAsync(
            ExternalTool.Find("go")!,
            ["build", "-o", binary, source],
            output,
            new Dictionary<string, string>
            {
                ["GO111MODULE"] = "off",
                ["GOPATH"] = DebianGoPath,
                ["GOCACHE"] = Path.Combine(output, "cache"),
                ["GOFLAGS"] = "",
                ["CGO_ENABLED"] = "0",
            },
            TimeSpan.FromMinutes(5));
        Assert.True(result.ExitCode == 0, "go build chart-render.go: " + result.Output);
        return binary;
    }

    private static string? FindMissing()
    {
        const string hint = "Debian's golang-go, golang-github-masterminds-sprig-dev and golang-gopkg-yaml.v3-dev; .ci/run installs them";
        if (ExternalTool.Find("go") is null)
        {
            return $"go not on PATH ({hint})";
        }

        foreach (var package in new[] { "github.com/Masterminds/sprig", "gopkg.in/yaml.v3" })
        {
            if (!Directory.Exists(Path.Combine(DebianGoPath, "src", package)))
            {
                return $"{package} not under {DebianGoPath}/src ({hint})";
            }
        }

        return null;
    }
}
