using System.Text.Json.Nodes;

using KubeSync.Delivery.Tests.Support;

using NJsonSchema;
using NJsonSchema.Validation;

namespace KubeSync.Delivery.Tests.Chart;

/// <summary>values.schema.json accepts the chart's values.yaml and rejects bad values, naming the key.</summary>
public sealed class ValuesSchemaTests
{
    [Fact]
    public async Task Schema_ValuesYaml_IsValid()
    {
        var errors = await ValidateAsync(LoadValues());

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("monitoring: {serviceMonitor: {enabled: true, interval: 30s}, podMonitor: {enabled: true, interval: 15s}, prometheusRule: {enabled: true, labels: {release: prom}}}")]
    [InlineData("image: {digest: sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef}")]
    [InlineData("podExec: {enabled: false}\nleaderElection: {leaseName: kubesync-leader}\nreplicaCount: 2\nworkers: 8\nwatchNamespace: shop")]
    [InlineData("resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 1, memory: 1Gi}}")]
    [InlineData("serviceAccount: {create: false, name: existing-sa}\nrbac: {create: false}")]
    public async Task Schema_GoodOverrides_AreValid(string overrides)
    {
        var errors = await ValidateAsync(Merge(LoadValues(), YamlDocuments.Parse(overrides).Single().AsObject()));

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Theory]
    [InlineData("image: {pullPolicy: Sometimes}", "pullPolicy")]
    [InlineData("image: {digest: latest}", "digest")]
    [InlineData("replicaCount: -1", "replicaCount")]
    [InlineData("replicas: 2", "replicas")]
    [InlineData("admin: {port: 70000}", "port")]
    [InlineData("leaderElection: {leaseName: Kubesync_Leader}", "leaseName")]
    [InlineData("workers: 0", "workers")]
    [InlineData("sidecar: {image: {pullPolicy: Always}}", "pullPolicy")]
    [InlineData("resources: {requests: {cpu: lots}}", "cpu")]
    [InlineData("monitoring: {podMonitor: {portName: kubesync-admin-endpoint}}", "portName")]
    [InlineData("logLevel: Verbose", "logLevel")]
    [InlineData("serviceAccount: {create: \"yes\"}", "create")]
    [InlineData("podExec: {enable: true}", "enable")]
    public async Task Schema_BadValue_IsRejectedNamingTheKey(string overrides, string key)
    {
        var errors = await ValidateAsync(Merge(LoadValues(), YamlDocuments.Parse(overrides).Single().AsObject()));

        Assert.NotEmpty(errors);
        Assert.Contains(errors, e => e.Contains(key, StringComparison.Ordinal));
    }

    private static JsonObject LoadValues() => YamlDocuments.ParseFile(Path.Combine(RepositoryLayout.Chart, "values.yaml"));

    private static async Task<List<string>> ValidateAsync(JsonObject values)
    {
        var schema = await JsonSchema.FromJsonAsync(await File.ReadAllTextAsync(Path.Combine(RepositoryLayout.Chart, "values.schema.json")));
        var errors = new List<string>();
        Flatten(schema.Validate(values.ToJsonString()), errors);
        return errors;
    }

    private static void Flatten(IEnumerable<ValidationError> errors, List<string> into)
    {
        foreach (var error in errors)
        {
            into.Add($"{error.Path}: {error.Kind} ({error.Property})");
            if (error is ChildSchemaValidationError child)
            {
                foreach (var nested in child.Errors.Values)
                {
                    Flatten(nested, into);
                }
            }
        }
    }

    /// <summary>Lays <paramref name="overrides"/> over <paramref name="values"/> as Helm merges -f files: maps key by key.</summary>
    private static JsonObject Merge(JsonObject values, JsonObject overrides)
    {
        var result = values.DeepClone().AsObject();
        foreach (var (key, value) in overrides)
        {
            result[key] = result[key] is JsonObject existing && value is JsonObject nested ? Merge(existing, nested) : value?.DeepClone();
        }

        return result;
    }
}
