using System.Text.Json.Nodes;

using KubeSync.Delivery.Tests.Support;

using YamlDotNet.RepresentationModel;

namespace KubeSync.Delivery.Tests.Chart;

/// <summary>
/// values.yaml documents every value: a <c># -- </c> comment right above a key documents it and everything
/// under it; a key without one must be a mapping whose own keys are documented (a section).
/// </summary>
public sealed class ValuesDocumentationTests
{
    private static readonly string ValuesPath = Path.Combine(RepositoryLayout.Chart, "values.yaml");

    [Fact]
    public void ValuesYaml_EveryValue_HasADocComment()
    {
        var lines = File.ReadAllLines(ValuesPath);
        var undocumented = new List<string>();

        Walk(YamlDocuments.LoadMapping(ValuesPath), "", lines, undocumented);

        Assert.True(undocumented.Count == 0, "values without a `# -- ` comment above them: " + string.Join(", ", undocumented));
    }

    [Fact]
    public void ValuesYaml_EverySchemaProperty_IsInValuesYaml()
    {
        // The schema forbids unknown keys; this is the other direction: nothing the schema allows is left out
        // of values.yaml, where it would have no default and no comment.
        var schema = JsonNode.Parse(File.ReadAllText(Path.Combine(RepositoryLayout.Chart, "values.schema.json")))!.AsObject();
        var values = YamlDocuments.ParseFile(ValuesPath);
        var missing = new List<string>();

        CompareProperties(schema, values, "", missing);

        Assert.True(missing.Count == 0, "in values.schema.json but not in values.yaml: " + string.Join(", ", missing));
    }

    private static void Walk(YamlMappingNode map, string prefix, string[] lines, List<string> undocumented)
    {
        foreach (var (key, value) in map.Children)
        {
            var name = prefix + ((YamlScalarNode)key).Value;
            if (HasDocComment(lines, (int)key.Start.Line))
            {
                continue;
            }

            if (value is YamlMappingNode { Children.Count: > 0 } section)
            {
                Walk(section, name + ".", lines, undocumented);
            }
            else
            {
                undocumented.Add($"{name} (line {key.Start.Line})");
            }
        }
    }

    /// <summary>True when the comment block right above the 1-based <paramref name="line"/> has a <c># -- </c> line.</summary>
    private static bool HasDocComment(string[] lines, int line)
    {
        for (var i = line - 2; i >= 0; i--)
        {
            var text = lines[i].Trim();
            if (!text.StartsWith('#'))
            {
                return false;
            }

            if (text.StartsWith("# -- ", StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    private static void CompareProperties(JsonObject schema, JsonNode? values, string prefix, List<string> missing)
    {
        if (schema["properties"] is not JsonObject properties || values is not JsonObject valueObject)
        {
            return;
        }

        foreach (var (name, child) in properties)
        {
            if (!valueObject.ContainsKey(name))
            {
                missing.Add(prefix + name);
                continue;
            }

            CompareProperties(child!.AsObject(), valueObject[name], prefix + name + ".", missing);
        }
    }
}
