namespace KubeSync.Contracts.Schema;

/// <summary>
/// The list is a map keyed by <see cref="Key"/> (<c>x-kubernetes-list-type: map</c>): the API server refuses two items
/// with the same key, and server-side apply merges items by it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaListMapAttribute(string key) : Attribute
{
    public string Key { get; } = key;
}
