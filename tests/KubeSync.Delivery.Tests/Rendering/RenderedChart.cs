using System.Text.Json.Nodes;

namespace KubeSync.Delivery.Tests.Rendering;

/// <summary>The objects a render produced, and the text they came from.</summary>
internal sealed record RenderedChart(string Text, IReadOnlyList<JsonObject> Objects)
{
    /// <summary>Kinds in render order.</summary>
    public IEnumerable<string> Kinds => Objects.Select(o => (string)o["kind"]!);

    /// <summary>The one object of <paramref name="kind"/> (and <paramref name="name"/>, when given).</summary>
    public JsonObject Single(string kind, string? name = null) =>
        Assert.Single(Objects, o => (string?)o["kind"] == kind && (name is null || (string?)o["metadata"]?["name"] == name));
}
