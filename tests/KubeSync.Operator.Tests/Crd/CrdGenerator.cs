using System.Text.Json.Nodes;

using KubeSync.Contracts.Schema;
using KubeSync.Contracts.SyncGroups;
using KubeSync.Operator.Rendering;

namespace KubeSync.Operator.Tests.Crd;

/// <summary>Builds <c>crds/syncgroups.kubesync.io.yaml</c> from the contract types in <c>KubeSync.Contracts.SyncGroups</c>.</summary>
internal static class CrdGenerator
{
    public const string Header =
        "# Generated from the C# types in src/KubeSync.Contracts/SyncGroups by tests/KubeSync.Operator.Tests (CrdGenerator).\n" +
        "# Do not edit: change the types, then run the CRD tests with KUBESYNC_REGENERATE=1 to rewrite this file.\n";

    public static string Render() => Header + YamlText.Write(Build());

    public static JsonObject Build()
    {
        var docs = XmlDocs.For(typeof(SyncGroup).Assembly);
        var builder = new CrdSchemaBuilder(docs);
        var root = new JsonObject
        {
            ["description"] = docs.Of(typeof(SyncGroup)),
            ["type"] = "object",
            ["required"] = new JsonArray("spec"),
            ["properties"] = new JsonObject
            {
                ["apiVersion"] = new JsonObject { ["type"] = "string" },
                ["kind"] = new JsonObject { ["type"] = "string" },
                ["metadata"] = new JsonObject { ["type"] = "object" },
                ["spec"] = builder.ForObject(typeof(SyncGroupSpec)),
                ["status"] = builder.ForObject(typeof(SyncGroupStatus)),
            },
        };

        CrdSchemaBuilder.AddRules(root, typeof(SyncGroup).GetCustomAttributes(typeof(SchemaRuleAttribute), false).Cast<SchemaRuleAttribute>());
        return new JsonObject
        {
            ["apiVersion"] = "apiextensions.k8s.io/v1",
            ["kind"] = "CustomResourceDefinition",
            ["metadata"] = new JsonObject { ["name"] = "syncgroups.kubesync.io" },
            ["spec"] = new JsonObject
            {
                ["group"] = "kubesync.io",
                ["names"] = new JsonObject
                {
                    ["kind"] = SyncGroup.KindName,
                    ["listKind"] = "SyncGroupList",
                    ["plural"] = "syncgroups",
                    ["singular"] = "syncgroup",
                    ["shortNames"] = new JsonArray("sg"),
                    ["categories"] = new JsonArray("kubesync"),
                },
                ["scope"] = "Namespaced",
                ["versions"] = new JsonArray(new JsonObject
                {
                    ["name"] = "v1alpha1",
                    ["served"] = true,
                    ["storage"] = true,
                    ["subresources"] = new JsonObject { ["status"] = new JsonObject() },
                    ["additionalPrinterColumns"] = PrinterColumns(),
                    ["schema"] = new JsonObject { ["openAPIV3Schema"] = root },
                }),
            },
        };
    }

    private static JsonArray PrinterColumns() =>
    [
        Column("Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", "Every member is ready and the group is not Degraded"),
        Column("Members", "integer", ".status.memberCount", "Member pods"),
        Column("Dirty", "integer", ".status.dirty", "Files owed between members"),
        Column("Conflicts", "integer", ".status.conflicts", "Unresolved conflicts"),
        Column("Age", "date", ".metadata.creationTimestamp", null),
    ];

    private static JsonObject Column(string name, string type, string path, string? description)
    {
        var column = new JsonObject { ["name"] = name, ["type"] = type, ["jsonPath"] = path };
        if (description is not null)
        {
            column["description"] = description;
        }

        return column;
    }
}
