namespace KubeSync.Contracts.Schema;

/// <summary>The OpenAPI <c>enum</c> of a string property whose values are not a .NET enum.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaEnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}
