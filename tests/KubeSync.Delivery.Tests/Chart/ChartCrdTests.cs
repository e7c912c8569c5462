using KubeSync.Delivery.Tests.Support;

namespace KubeSync.Delivery.Tests.Chart;

/// <summary>The chart ships the CRDs of the top-level <c>crds/</c>, byte for byte.</summary>
public sealed class ChartCrdTests
{
    [Fact]
    public void ChartCrds_SameFilesAsTopLevelCrds_ByteIdentical()
    {
        var source = RepositoryLayout.Combine("crds");
        var chart = Path.Combine(RepositoryLayout.Chart, "crds");
        var sourceFiles = Directory.GetFiles(source, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        var chartFiles = Directory.GetFiles(chart, "*.yaml").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();

        Assert.NotEmpty(sourceFiles);
        Assert.Equal(sourceFiles, chartFiles);
        foreach (var name in sourceFiles)
        {
            // On a mismatch: cp crds/*.yaml charts/kubesync/crds/
            Assert.True(
                File.ReadAllBytes(Path.Combine(source, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(chart, name!))),
                $"charts/kubesync/crds/{name} differs from crds/{name}: copy crds/*.yaml into charts/kubesync/crds/");
        }
    }

    [Fact]
    public void ChartCrds_SyncGroupCrd_IsTheOneTheOperatorServes()
    {
        var crd = YamlDocuments.ParseFile(Path.Combine(RepositoryLayout.Chart, "crds", "syncgroups.kubesync.io.yaml"));

        Assert.Equal("apiextensions.k8s.io/v1", (string?)crd["apiVersion"]);
        Assert.Equal("CustomResourceDefinition", (string?)crd["kind"]);
        Assert.Equal("syncgroups.kubesync.io", (string?)crd["metadata"]?["name"]);
        Assert.Equal("SyncGroup", (string?)crd["spec"]?["names"]?["kind"]);
        Assert.Contains(crd["spec"]!["versions"]!.AsArray(), v => (string?)v!["name"] == "v1alpha1" && (bool?)v["served"] == true);
    }
}
