using System.Text.Json.Serialization;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Testing.Emulation;

/// <summary>Serialization for the kinds the emulator needs beyond the client's own.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ReplicaSet))]
[JsonSerializable(typeof(KubeList<ReplicaSet>))]
internal sealed partial class EmulationJsonContext : JsonSerializerContext;
