using System.Text.Json.Nodes;

using KubeSync.Operator.Tests.Crd;

namespace KubeSync.Operator.Tests.Examples;

public sealed class ExampleSchemaTests
{
    public static TheoryData<string> ExampleFiles() => [.. ExamplePaths()];

    internal static IEnumerable<string> ExamplePaths() =>
        Directory.EnumerateFiles(RepositoryFiles.At("examples"), "syncgroup.yaml", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(RepositoryFiles.Root, f))
            .Order(StringComparer.Ordinal);

    [Fact]
    public void Examples_CoverNginxUploadsAndAuthorizedKeys()
    {
        var files = ExamplePaths().ToList();
        Assert.Equal(["examples/authorized-keys/syncgroup.yaml", "examples/nginx/syncgroup.yaml", "examples/uploads/syncgroup.yaml"], files);
    }

    [Theory]
    [MemberData(nameof(ExampleFiles))]
    public async Task Example_ValidatesAgainstTheCrdSchema(string file)
    {
        var groups = SyncGroupsIn(file);
        Assert.NotEmpty(groups);
        foreach (var group in groups)
        {
            Assert.Empty(await CrdSchema.ValidateAsync(group));
        }
    }

    [Theory]
    [InlineData("auto", "\"sometimes\"", "NotInEnumeration")]
    [InlineData("mountPath", "\"relative/path\"", "PatternMismatch")]
    [InlineData("volume", "\"Conf_Volume\"", "PatternMismatch")]
    [InlineData("exlude", "[\"*~\"]", "NoAdditionalPropertiesAllowed")]
    [InlineData("workloadRef", "{\"kind\": \"CronJob\", \"name\": \"web\"}", "NotInEnumeration")]
    [InlineData("sidecar", "{\"port\": 70000}", "NumberTooBig")]
    [InlineData("backup", "{\"generations\": 0}", "NumberTooSmall")]
    [InlineData("sidecar", "{\"securityContext\": {\"runAsUser\": -1}}", "NumberTooSmall")]
    [InlineData("sidecar", "{\"securityContext\": {\"runAsUser\": 0, \"capabilities\": {\"add\": [\"SYS_ADMIN\"]}}}", "ArrayItemNotValid")]
    [InlineData("sidecar", "{\"securityContext\": {\"runAsUser\": \"nginx\"}}", "IntegerExpected")]
    public async Task Schema_RejectsABrokenSpec_NamingTheProblem(string key, string json, string kind)
    {
        var group = SyncGroupsIn("examples/nginx/syncgroup.yaml").Single();
        group["spec"]![key] = JsonNode.Parse(json);
        var errors = await CrdSchema.ValidateAsync(group);
        Assert.Contains(errors, e => e.Contains(kind, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schema_RequiresVolumeAndMountPath()
    {
        var group = SyncGroupsIn("examples/nginx/syncgroup.yaml").Single();
        group["spec"]!.AsObject().Remove("volume");
        Assert.Contains(await CrdSchema.ValidateAsync(group), e => e.Contains("volume", StringComparison.Ordinal) && e.Contains("PropertyRequired", StringComparison.Ordinal));
    }

    internal static List<JsonObject> SyncGroupsIn(string file) =>
        [.. YamlDocuments.LoadFile(RepositoryFiles.At(file)).Where(d => d["kind"]?.GetValue<string>() == "SyncGroup")];
}
