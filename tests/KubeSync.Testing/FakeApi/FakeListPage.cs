using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

internal sealed record FakeListPage(List<JsonObject> Items, string ResourceVersion, string? Continue, long? RemainingItemCount);
