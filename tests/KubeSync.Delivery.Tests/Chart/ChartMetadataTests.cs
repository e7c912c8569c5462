using System.Text.RegularExpressions;

using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Chart;

/// <summary>Chart.yaml and the chart's file layout.</summary>
public sealed partial class ChartMetadataTests
{
    [Fact]
    public void ChartYaml_Fields_AreThoseHelmRequires()
    {
        var chart = YamlDocuments.ParseFile(Path.Combine(RepositoryLayout.Chart, "Chart.yaml"));

        Assert.Equal("v2", (string?)chart["apiVersion"]);
        Assert.Equal("kubesync", (string?)chart["name"]);
        Assert.Equal("application", (string?)chart["type"]);
        Assert.Matches(SemVer(), (string?)chart["version"]);
        Assert.Matches(SemVer(), (string?)chart["appVersion"]);
    }

    [Fact]
    public void ChartYaml_AppVersion_IsTheVersionTheBuildStamps()
    {
        // Images are tagged with appVersion by default; the binaries report Directory.Build.props' Version in
        // kubesync_build_info. The two must name the same release.
        var chart = YamlDocuments.ParseFile(Path.Combine(RepositoryLayout.Chart, "Chart.yaml"));
        var props = File.ReadAllText(RepositoryLayout.Combine("Directory.Build.props"));

        Assert.Contains($"<Version>{(string?)chart["appVersion"]}</Version>", props, StringComparison.Ordinal);
    }

    [Fact]
    public void Layout_EveryTemplateFile_IsYamlOrAPartialOrTheNotes()
    {
        var templates = Directory.GetFiles(Path.Combine(RepositoryLayout.Chart, "templates")).Select(Path.GetFileName).ToList();

        Assert.NotEmpty(templates);
        Assert.All(templates, name => Assert.True(
            name!.EndsWith(".yaml", StringComparison.Ordinal) || (name.StartsWith('_') && name.EndsWith(".tpl", StringComparison.Ordinal)) || name == "NOTES.txt",
            $"templates/{name}: Helm renders *.yaml, _*.tpl partials and NOTES.txt only"));
    }

    [GeneratedRegex(@"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$")]
    private static partial Regex SemVer();
}
