using System.Text.Json.Serialization;

using KubeSync.Kubernetes.Resources;

namespace KubeSync.Contracts.SyncGroups;

/// <summary>Source-generated JSON for SyncGroups, with the API's conventions (camelCase, nulls left out).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SyncGroup))]
[JsonSerializable(typeof(KubeList<SyncGroup>))]
[JsonSerializable(typeof(SyncGroupStatus))]
public sealed partial class SyncGroupJsonContext : JsonSerializerContext;
