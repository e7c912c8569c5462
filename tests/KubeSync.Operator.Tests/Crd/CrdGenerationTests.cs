using YamlDotNet.RepresentationModel;

namespace KubeSync.Operator.Tests.Crd;

public sealed class CrdGenerationTests
{
    [Fact]
    public void CommittedCrd_EqualsTheOneGeneratedFromTheContractTypes()
    {
        var generated = CrdGenerator.Render();
        if (Environment.GetEnvironmentVariable("KUBESYNC_REGENERATE") == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(RepositoryFiles.CrdPath)!);
            File.WriteAllText(RepositoryFiles.CrdPath, generated);
        }

        Assert.True(File.Exists(RepositoryFiles.CrdPath), "crds/syncgroups.kubesync.io.yaml is missing: run this test with KUBESYNC_REGENERATE=1");
        var committed = File.ReadAllText(RepositoryFiles.CrdPath);
        Assert.True(
            committed == generated,
            "crds/syncgroups.kubesync.io.yaml differs from the contract types: run the CRD tests with KUBESYNC_REGENERATE=1 and commit the file");
    }

    [Fact]
    public void Crd_ParsesAsYaml_WithTheNamesKindsAndColumnsOfTheDesign()
    {
        var yaml = new YamlStream();
        yaml.Load(new StringReader(File.ReadAllText(RepositoryFiles.CrdPath)));
        var root = (YamlMappingNode)yaml.Documents.Single().RootNode;
        var spec = (YamlMappingNode)root["spec"];
        Assert.Equal("kubesync.io", spec["group"].ToString());
        Assert.Equal("Namespaced", spec["scope"].ToString());
        var names = (YamlMappingNode)spec["names"];
        Assert.Equal("SyncGroup", names["kind"].ToString());
        Assert.Equal("syncgroups", names["plural"].ToString());
        Assert.Equal(["sg"], ((YamlSequenceNode)names["shortNames"]).Select(n => n.ToString()));
        var version = (YamlMappingNode)((YamlSequenceNode)spec["versions"]).Single();
        Assert.Equal("v1alpha1", version["name"].ToString());
        Assert.Contains(new YamlScalarNode("status"), ((YamlMappingNode)version["subresources"]).Children.Keys);
        var columns = ((YamlSequenceNode)version["additionalPrinterColumns"]).Cast<YamlMappingNode>().Select(c => c["name"].ToString());
        Assert.Equal(["Ready", "Members", "Dirty", "Conflicts", "Age"], columns);
    }

    [Fact]
    public void Schema_TakesRequiredEnumsAndDefaultsFromTheTypes()
    {
        var schema = CrdGenerator.Build()["spec"]!["versions"]![0]!["schema"]!["openAPIV3Schema"]!["properties"]!["spec"]!;
        Assert.Equal(["mountPath", "volume"], schema["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(
            ["none", "first", "younger", "older", "bigger", "smaller", "left", "right", "keep-both"],
            schema["properties"]!["auto"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal("none", schema["properties"]!["auto"]!["default"]!.GetValue<string>());
        Assert.Equal(["send-receive", "receive-only"], schema["properties"]!["role"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(
            ["Deployment", "StatefulSet", "DaemonSet"],
            schema["properties"]!["workloadRef"]!["properties"]!["kind"]!["enum"]!.AsArray().Select(n => n!.GetValue<string>()));
        var action = schema["properties"]!["actions"]!["items"]!;
        Assert.Equal("30s", action["properties"]!["timeout"]!["default"]!.GetValue<string>());
        Assert.Equal(["name"], action["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Equal(30865, schema["properties"]!["sidecar"]!["properties"]!["port"]!["default"]!.GetValue<int>());
        Assert.Contains(
            schema["x-kubernetes-validations"]!.AsArray(),
            r => r!["message"]!.GetValue<string>() == "set exactly one of workloadRef and selector");
    }
}
