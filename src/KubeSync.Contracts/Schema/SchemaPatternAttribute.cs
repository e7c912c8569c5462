namespace KubeSync.Contracts.Schema;

/// <summary>The OpenAPI <c>pattern</c> of a string property (or of each item of a string list).</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SchemaPatternAttribute(string pattern) : Attribute
{
    public string Pattern { get; } = pattern;
}
