namespace KubeSync.Contracts.Schema;

/// <summary>
/// A property whose content is another API's type, passed through as given (<c>x-kubernetes-preserve-unknown-fields</c>),
/// such as a container's <c>resources</c>; the API server that receives it validates it.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaOpaqueAttribute : Attribute;
