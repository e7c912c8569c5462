using System.Text.Json.Nodes;

namespace KubeSync.Testing.FakeApi;

/// <summary>What a watch stream writes next.</summary>
internal sealed record FakeWatchMessage(FakeWatchMessageKind Kind, string? Type = null, JsonObject? Object = null);
