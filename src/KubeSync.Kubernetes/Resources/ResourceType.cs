using System.Text.Json.Serialization.Metadata;

namespace KubeSync.Kubernetes.Resources;

/// <summary>
/// A resource and the serialization metadata of its .NET type. A project with its own kinds (SyncGroup)
/// makes its own from its own source-generated context; <see cref="KubeResources.Generic"/> serves any kind untyped.
/// </summary>
public sealed class ResourceType<T>
    where T : KubeObject
{
    public ResourceType(ResourceKind kind, JsonTypeInfo<T> typeInfo, JsonTypeInfo<KubeList<T>> listTypeInfo)
    {
        Kind = kind;
        TypeInfo = typeInfo;
        ListTypeInfo = listTypeInfo;
    }

    public ResourceKind Kind { get; }

    public JsonTypeInfo<T> TypeInfo { get; }

    public JsonTypeInfo<KubeList<T>> ListTypeInfo { get; }
}
